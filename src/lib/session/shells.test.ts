import { describe, expect, it } from 'vitest';
import { HOME_SHELL, ROUTE_SHELLS, shellFor } from './shells.ts';

const WS = 'UA3KM6EnHd1yOiFBMWxF2g';
const DOC = 'Qm9va2luZ3NBbmRSaWRlcw';

describe('shellFor', () => {
  it("opens each page of a workspace from that page's own shell", () => {
    expect(shellFor(`/w/${WS}/d/${DOC}`)).toBe('/w/shell/d/shell');
    expect(shellFor(`/w/${WS}/d/${DOC}/minutes`)).toBe('/w/shell/d/shell/minutes');
    expect(shellFor(`/w/${WS}`)).toBe('/w/shell');
    expect(shellFor(`/w/${WS}/`)).toBe('/w/shell');
    for (const page of ['work', 'tasks', 'decisions', 'me']) expect(shellFor(`/w/${WS}/${page}`)).toBe(`/w/shell/${page}`);
    for (const path of ROUTE_SHELLS) expect(shellFor(path), path).toBe(path);
  });

  it('opens every other page from the home shell', () => {
    for (const path of ['/', '/join/abc', '/link/abc', '/help/https', `/w/${WS}/d/${DOC}/history`, `/w/${WS}/settings`, '/settings', '/wx/abc']) {
      expect(shellFor(path), path).toBe(HOME_SHELL);
    }
  });
});

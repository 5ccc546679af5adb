import { describe, expect, it } from 'vitest';
import { HOME_SHELL, shellFor } from './shells.ts';

describe('shellFor', () => {
  it('opens a document from the document shell, a workspace from the workspace shell', () => {
    expect(shellFor('/w/UA3KM6EnHd1yOiFBMWxF2g/d/Qm9va2luZ3NBbmRSaWRlcw')).toBe('/w/shell/d/shell');
    expect(shellFor('/w/UA3KM6EnHd1yOiFBMWxF2g')).toBe('/w/shell');
    expect(shellFor('/w/UA3KM6EnHd1yOiFBMWxF2g/')).toBe('/w/shell');
  });

  it('opens every other page from the home shell', () => {
    for (const path of ['/', '/join/abc', '/w/UA3KM6EnHd1yOiFBMWxF2g/work', '/w/UA3KM6EnHd1yOiFBMWxF2g/d/Qm9v/history', '/settings']) {
      expect(shellFor(path), path).toBe(HOME_SHELL);
    }
  });
});

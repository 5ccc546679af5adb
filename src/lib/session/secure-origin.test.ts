import { describe, expect, it } from 'vitest';
import { needsHttps } from './secure-origin';

describe('needsHttps', () => {
  it.each([
    ['http:', 'localhost', false],
    ['http:', '127.0.0.1', false],
    ['http:', '[::1]', false],
    ['http:', 'mutual.localhost', false],
    ['https:', 'mutual.example.org', false],
    ['http:', 'mutual.example.org', true],
    ['http:', '192.168.1.20', true]
  ])('%s//%s → %s', (protocol, hostname, expected) => expect(needsHttps({ protocol, hostname })).toBe(expected));
});

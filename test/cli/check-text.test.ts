/** `check-text`: the chat's identity guard on one text, from the command line. */
import { describe, expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';

describe('check-text', () => {
  it('prints what identifies a child as JSON, and exits 1', async () => {
    const { code, out } = await cli('check-text', 'Jayden Smith DOB 12/03/2015 NHS 943 476 5919, mother Kelly Jones, 14 Elm Road', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual({
      identifying: true,
      found: [
        { kind: 'name', text: 'Jayden Smith' },
        { kind: 'date-of-birth', text: '12/03/2015' },
        { kind: 'nhs-number', text: '943 476 5919' },
        { kind: 'name', text: 'Kelly Jones' },
        { kind: 'address', text: '14 Elm Road' },
      ],
    });
  });

  it('passes professional prose naming directory staff, and exits 0', async () => {
    const { code, out } = await cli('check-text', 'Agreed with Priya Natarajan: CSC to convene a strategy discussion by 4 December', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ identifying: false, found: [] });
  });

  it('holds a case reference to the strict rule with --field case-ref', async () => {
    expect((await cli('check-text', 'CSC-1234', '--field', 'case-ref')).code).toBe(0);
    const named = await cli('check-text', 'jayden smith', '--field', 'case-ref');
    expect(named).toMatchObject({ code: 1, out: 'It identifies a child: a name ("jayden smith").' });
    // The same words are a name in prose too; a bare reference-like code is fine in prose.
    expect((await cli('check-text', 'See CSC-1234 for the history')).out).toBe('Nothing in it identifies a child.');
  });

  it('exits 2 for a wrong command', async () => {
    expect((await cli('check-text')).code).toBe(2);
    expect((await cli('check-text', 'a', 'b')).code).toBe(2);
    const bad = await cli('check-text', 'x', '--field', 'name');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--field must be case-ref or free-text/);
  });
});

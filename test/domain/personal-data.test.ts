import { describe, expect, it } from '@jest/globals';
import { personalDataWarning } from '../../src/domain/personal-data.js';

describe('the case reference guard', () => {
  it.each(['CSC-104233', 'HLT/2026/0042', 'MASH 7781', 'ref 55-12-A', '12345'])('accepts the reference %s', (ref) => {
    expect(personalDataWarning(ref)).toBeNull();
  });

  it.each([
    ['Jane Smith', /name/],
    ['jayden O\'Neill', /name/],
    ['Smith', /name/],
    ['12/03/2015', /date of birth/],
    ['2015-03-12', /date of birth/],
    ['born 3rd March', /date of birth/],
    ['CSC-1 DOB 4 Jan', /date of birth/],
    ['943 476 5919', /NHS number/], // a valid NHS number (modulus 11)
    ['9434765919', /NHS number/],
  ])('warns about %s', (text, warning) => {
    expect(personalDataWarning(text)).toMatch(warning);
  });

  it('does not take any ten digits for an NHS number: the check digit must match', () => {
    expect(personalDataWarning('9434765918')).toBeNull();
  });
});

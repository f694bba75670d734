/**
 * A guard for the one free-text field that identifies a child: the agency's record reference.
 * The chat must carry a reference, never a child's name, date of birth or NHS number, so text
 * that looks like one of those is sent back with a warning. It is a heuristic by design: it
 * errs towards asking again, which costs the practitioner one retyped reference.
 */

const MONTHS = 'jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?';
const DATE_PATTERNS = [
  /\b\d{1,2}[/.-]\d{1,2}[/.-](\d{2}|\d{4})\b/, // 12/03/2015, 12-3-15
  /\b(19|20)\d{2}[/.-]\d{1,2}[/.-]\d{1,2}\b/, // 2015-03-12
  new RegExp(`\\b\\d{1,2}(st|nd|rd|th)?\\s+(${MONTHS})\\b`, 'i'), // 12 March, 1st Jan
  /\b(dob|d\.o\.b|born)\b/i,
];

/** A valid NHS number: ten digits whose last is the modulus-11 check digit of the first nine. */
function isNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  const sum = [...digits.slice(0, 9)].reduce((acc, d, i) => acc + Number(d) * (10 - i), 0);
  const check = 11 - (sum % 11);
  const expected = check === 11 ? 0 : check;
  return expected !== 10 && expected === Number(digits[9]);
}

/** A human warning if the text looks like personal data, or null if it looks like a reference. */
export function personalDataWarning(text: string): string | null {
  const t = text.trim();
  for (const run of t.match(/\d[\d\s-]{8,14}\d/g) ?? []) {
    if (isNhsNumber(run.replace(/[\s-]/g, ''))) {
      return 'That looks like an NHS number. Please give your agency’s case reference instead, never the child’s NHS number.';
    }
  }
  if (DATE_PATTERNS.some((re) => re.test(t))) {
    return 'That looks like a date of birth. Please give your agency’s case reference only.';
  }
  // References carry digits; a few plain words with capitals and no digits read like a name.
  if (!/\d/.test(t) && /^[\p{L}' .-]+$/u.test(t) && /\p{Lu}\p{Ll}+/u.test(t)) {
    return 'That looks like a name. Please give your agency’s case reference (for example CSC-104233), never the child’s name.';
  }
  return null;
}

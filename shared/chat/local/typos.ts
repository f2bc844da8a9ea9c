// Common misspellings of the words dates are made of ("tomorow", "wendesday", "feburary"), fixed
// by edit distance against a small vocabulary before the message is read. Only words of five
// letters or more are fixed, one edit away (two from eight letters on), and never a real word one
// edit from a date word ("sundae", "mourning"): a title keeps what the user wrote.

const vocabulary = [
  'tomorrow', 'tonight', 'today', 'yesterday',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'weekend', 'weekday', 'weekdays',
  'mondays', 'tuesdays', 'wednesdays', 'thursdays', 'fridays', 'saturdays', 'sundays',
  'january', 'february', 'september', 'october', 'november', 'december',
  'every', 'morning', 'afternoon', 'evening', 'priority', 'urgent',
];
const known = new Set([...vocabulary, 'sundae', 'mourning', 'money', 'month', 'months', 'event', 'events', 'fried', 'weeks', 'priory', 'moody', 'mourn', 'evens', 'todays', 'toady', 'toddy', 'remember', 'member', 'members', 'fridge', 'firmly']);

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

function fix(word: string): string {
  const lower = word.toLowerCase();
  if (lower.length < 5 || known.has(lower) || !/^[a-z]+$/.test(lower)) return word;
  const max = lower.length >= 8 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const candidate of vocabulary) {
    // Misspellings keep the first letter; checking only those keeps the cost per message small.
    if (candidate[0] !== lower[0]) continue;
    const d = distance(lower, candidate, max);
    // A tie between two words is no fix at all.
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
    else if (d === bestDistance) best = undefined;
  }
  return best && bestDistance <= max ? best : word;
}

/** The message with misspelled date words fixed; every other character as it was. */
export const fixTypos = (text: string): string => text.replace(/[A-Za-z]+/g, fix);

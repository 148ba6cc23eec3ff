/**
 * Language styles of the simulated user (paper 3.3: each dialogue's user speaks in its own style so
 * that the data is not uniform). One is drawn per dialogue by the dialogue's seeded RNG.
 */
export const USER_STYLES: readonly string[] = [
  'casual and brief, like a quick chat message',
  'polite and formal, in complete sentences',
  'terse, giving only the essential facts',
  'friendly and talkative, adding a little context about why you need it',
  'a non-native English speaker: simple words, occasional small grammar slips',
  'impatient and direct',
  'detail-oriented: precise values and units',
  'uncertain, thinking aloud and sometimes asking what is possible',
];

/** Long sentences for LLM rewrite tests (each well over 10 words). */
const NB = "\u00a0";

const BASE = [
  "Il pleuvait depuis le matin sur la petite ville, et les passants, pressés, se hâtaient vers la gare sans lever les yeux vers le ciel gris.",
  `«${NB}Viens${NB}!${NB}» dit-elle en riant, puis elle courut le long du quai jusqu’à la barque amarrée près du vieux pont de pierre.`,
  "The old man walked slowly along the river bank, stopping now and then to watch the boats drift by, and he thought of the summer of 1852 — or so he believed.",
  "C’était l’heure où les lampes s’allument une à une dans les maisons, où l’on entend les enfants qu’on appelle pour le dîner et les chiens qui aboient au loin.",
];

/** `n` long sentences with ids starting at `firstId` (texts cycle through a few samples, numbered to stay distinct). */
export function longSentences(n: number, firstId = 1): { id: number; text: string }[] {
  return Array.from({ length: n }, (_, i) => ({ id: firstId + i, text: `${BASE[i % BASE.length]} (${i + 1})` }));
}

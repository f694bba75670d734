/** The app's views as Adaptive Cards: the view data expands the template of the same name in `cards/`. */
import type { CardView } from '../app/case-views.js';
import type { Person } from '../domain/directory.js';
import { renderCard, type AdaptiveCard } from '../cards/render-card.js';

/** Cards for one person's action: Teams refreshes them (Universal Actions) for that person only. */
const PERSONAL = new Set<CardView['card']>(['approval', 'response', 'lapse']);

export function adaptiveCardOf(view: CardView, recipient: Person | null): AdaptiveCard {
  if (!PERSONAL.has(view.card)) return renderCard(view.card, view.data);
  const aad = recipient?.identities.teams?.aadObjectId;
  return renderCard(view.card, { ...view.data, refreshUserIds: aad ? [`8:orgid:${aad}`] : [] });
}

/**
 * The App Home tab: a greeting, the way to raise a concern, and the person's open cases with what
 * is due. One section per case (its button as the accessory) keeps 40 cases well inside Slack's
 * 100-block limit.
 */
import type { HomeView, KnownBlock, SectionBlock } from '@slack/types';
import type { CaseSummary } from '../app/case-summary.js';
import { londonTime, PHASES } from '../app/replies.js';
import { actions, button, context, header, LIMITS, mrkdwnText, sections } from './blocks.js';

const MAX_CASES = 40;

function caseLine(c: CaseSummary): SectionBlock {
  const stage = c.stage === null ? 'before Stage 1' : `Stage ${c.stage}`;
  const due = c.overdueSince ? `\n:warning: Overdue since ${londonTime(c.overdueSince)}` : c.nextDue ? `\nDue ${londonTime(c.nextDue)}` : '';
  return {
    type: 'section',
    text: mrkdwnText(`**${c.ref}**: ${stage}, ${PHASES[c.phase]}${due}`),
    accessory: button('Open timeline', 'case.timeline', c.ref),
  };
}

export function homeView(firstName: string, partnership: string, cases: CaseSummary[]): HomeView {
  const open = cases.filter((c) => c.phase !== 'closed');
  const listed = open.slice(0, MAX_CASES);
  const more = open.length - listed.length;
  const blocks: KnownBlock[] = [
    header(`Hello ${firstName}`),
    ...sections(`I help you escalate a professional disagreement with another agency about a child's safety, following the ${partnership} procedure, and keep track of each stage and its deadline.`),
    ...sections(":warning: **If a child is at immediate risk of harm, contact Children's Social Care or the police now.**"),
    actions(button('Raise a concern', 'intake.start', '', 'primary')),
    { type: 'divider' },
    header('Your open cases'),
    ...(listed.length ? listed.map(caseLine) : sections('You are not taking part in any open case.')),
    ...(more > 0 ? [context(`…and ${more} more open ${more === 1 ? 'case' : 'cases'}. Say \`my cases\` to see them all.`)] : []),
  ];
  return { type: 'home', blocks: blocks.slice(0, LIMITS.viewBlocks) };
}

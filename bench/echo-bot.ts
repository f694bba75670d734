/**
 * The baseline for the turn benchmark (bench/turns.ts): a bare Microsoft 365 Agents SDK bot on
 * Node's HTTP server, anonymous as the benchmark runs Resolve, doing nothing but answer. A text
 * message is echoed; an Action.Execute click gets a small Adaptive Card back. Prints its port.
 */
import { AgentApplication, authorizeJWT, CloudAdapter, MessageFactory, type AuthConfiguration, type TurnState } from '@microsoft/agents-hosting';
import { createServer } from 'node:http';
import { webResponse } from '../src/teams/web-response.js';

const authConfig = {} as AuthConfiguration;
const adapter = new CloudAdapter(authConfig);
const app = new AgentApplication<TurnState>({ adapter, startTypingTimer: false });
app.onActivity('message', async (context) => {
  await context.sendActivity(MessageFactory.text(`You said: ${context.activity.text ?? ''}`));
});
app.adaptiveCards.actionExecute<Record<string, unknown>>('case.timeline', async (_context, _state, action) => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', text: `You clicked: ${JSON.stringify(action.data ?? action)}`, wrap: true }],
}));
const authorize = authorizeJWT(authConfig);

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  const request = { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown, headers: req.headers, method: req.method ?? 'POST' } as Parameters<typeof adapter.process>[0];
  // The same express-like response the SDK writes to in Resolve.
  const web = webResponse(res);
  let allowed = false;
  await authorize(request, web as never, () => void (allowed = true));
  if (!allowed) return void web.end();
  await adapter.process(request, web as never, (context) => app.run(context).then(() => undefined));
  web.end();
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));

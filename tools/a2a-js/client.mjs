// An A2A client built only from the official JavaScript SDK: discovers an agent by its card, sends
// it a text message, streams a second one, reads the streamed task back and asks for a task that
// does not exist. Usage: node client.mjs 1.0|0.3 BASE_URL CERT KEY CA
// The SDK has no TLS options; its fetch is undici's with a client certificate.
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';

const [version, baseUrl, cert, key, ca] = process.argv.slice(2);
if (!['1.0', '0.3'].includes(version) || !ca) {
  console.error('usage: node client.mjs 1.0|0.3 BASE_URL CERT KEY CA');
  process.exit(2);
}
const sdk = await import(version === '1.0' ? 'a2a-sdk-10/client' : 'a2a-sdk-03/client');
// the typed error of an unknown task: in the 1.x line it lives in the errors module
const { TaskNotFoundError } =
  version === '1.0' ? await import('a2a-sdk-10/errors') : sdk;
const dispatcher = new Agent({
  connect: { cert: readFileSync(cert), key: readFileSync(key), ca: readFileSync(ca) },
});
const fetchImpl = (url, init) => undiciFetch(url, { ...init, dispatcher });
const factory = new sdk.ClientFactory(
  sdk.ClientFactoryOptions.createFrom(sdk.ClientFactoryOptions.default, {
    transports: [new sdk.JsonRpcTransportFactory({ fetchImpl })],
    cardResolver: new sdk.DefaultAgentCardResolver({ fetchImpl }),
  }),
);

function fail(what) {
  console.error('FAIL ' + what);
  process.exit(1);
}
const report = (what, value) => console.log(what + ' ' + JSON.stringify(value));

// the two SDK lines model messages differently: 1.0 in ProtoJSON's types, 0.3 in JSON Schema's
const text = (id, t) =>
  version === '1.0'
    ? { message: { messageId: id, role: 1, parts: [{ content: { $case: 'text', value: t } }] } }
    : { message: { kind: 'message', messageId: id, role: 'user', parts: [{ kind: 'text', text: t }] } };
const completed = (task) =>
  version === '1.0' ? task.status.state === 3 : task.status.state === 'completed';
const artifactData = (task) =>
  version === '1.0' ? task.artifacts[0].parts[0].content.value : task.artifacts[0].parts[0].data;

const client = await factory.createFromUrl(baseUrl);
report('card', (await client.getAgentCard()).name);

const sent = await client.sendMessage(text('js-send-' + version, 'circuit breakers'));
if (!completed(sent)) fail('send: ' + JSON.stringify(sent));
report('send', artifactData(sent).hits);

let streamed = null;
let events = 0;
for await (const e of client.sendMessageStream(text('js-stream-' + version, 'backpressure'))) {
  events++;
  const task = version === '1.0' ? (e.payload?.$case === 'task' ? e.payload.value : null) : (e.kind === 'task' ? e : null);
  if (task) streamed = task;
}
if (!streamed || events < 1) fail('stream: no task event');
report('stream', { events, id: streamed.id });

const got = await client.getTask({ id: streamed.id });
if (got.id !== streamed.id || !completed(got)) fail('get: ' + JSON.stringify(got));
report('get', artifactData(got).hits);

try {
  await client.getTask({ id: 'no-such-task' });
  fail('get of an unknown task answered');
} catch (e) {
  if (!(e instanceof TaskNotFoundError)) fail('unknown task: ' + e);
  report('unknown', e.constructor.name);
}
console.log('OK ' + version);

// The official openai SDK against a Sluice gateway with tenants; run by OpenAiSdkTest.
// Env: SLUICE_BASE_URL (http://127.0.0.1:PORT/v1), SLUICE_KEY, SLUICE_LIMITED_KEY, SLUICE_MODEL.
// Prints one JSON line of what it saw and exits 0, or prints the failure and exits 1.
import OpenAI from 'openai';

const baseURL = process.env.SLUICE_BASE_URL;
const model = process.env.SLUICE_MODEL;
const messages = [{ role: 'user', content: 'hello there' }];
const client = (apiKey) => new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 30_000 });

async function streaming() {
  const stream = await client(process.env.SLUICE_KEY).chat.completions.create({
    model, messages, stream: true, max_tokens: 5,
  });
  let chunks = 0;
  let text = '';
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  return { chunks, text };
}

async function badKey() {
  try {
    await client('sk-not-a-key').chat.completions.create({ model, messages, max_tokens: 1 });
    return { error: 'none' };
  } catch (e) {
    return { error: e.constructor.name, status: e.status, code: e.code,
             authentication: e instanceof OpenAI.AuthenticationError };
  }
}

async function overLimit() {
  const limited = client(process.env.SLUICE_LIMITED_KEY);
  // The tenant's one allowed request: held open, streaming, while a second one is sent.
  const held = await limited.chat.completions.create({
    model, messages, stream: true, max_tokens: 1000,
  });
  const first = await held[Symbol.asyncIterator]().next();
  try {
    await limited.chat.completions.create({ model, messages, max_tokens: 1 });
    return { error: 'none', heldFirstChunk: !first.done };
  } catch (e) {
    return { error: e.constructor.name, status: e.status, code: e.code,
             retryAfter: e.headers?.get('retry-after') ?? null,
             rateLimit: e instanceof OpenAI.RateLimitError, heldFirstChunk: !first.done };
  } finally {
    held.controller.abort();
  }
}

try {
  const result = { streaming: await streaming(), badKey: await badKey(), overLimit: await overLimit() };
  console.log(JSON.stringify(result));
} catch (e) {
  console.log('FAILED: ' + (e?.stack ?? e));
  process.exit(1);
}

/**
 * expect.poll's default wait in every vitest config (vitest.config.ts, app/vitest.config.ts,
 * e2e/vitest.config.ts, aws/agent-python/vitest.config.ts). A poll waits for a state that must come
 * (the page rendered, another process's event, a socket's close); vitest's own default gives up after
 * 1 s, a wall-clock limit a loaded machine misses (a reload took over 1 s at load 14 on two cores, and
 * e2e/conversations.test.ts failed there). Polls that set their own timeout keep it.
 */
export const EXPECT_POLL = { poll: { timeout: 20_000 } }

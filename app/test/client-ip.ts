/** A fresh client address per call, so the rate limiter's budget is not shared between tests. */
export const ip = () => `10.${rnd()}.${rnd()}.${rnd()}`
const rnd = () => Math.floor(Math.random() * 255)

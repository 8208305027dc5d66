// Test support (./http-client.test.ts): preloaded after ./register.cjs, it makes loading
// aws-lambda-ric's native addon fail, so a recording that matches the fixture can only come from
// ./http-client.cjs, even in a checkout where the addon was built.
const dlopen = process.dlopen
process.dlopen = function (module, filename, ...rest) {
  if (String(filename).endsWith('rapid-client.node')) throw new Error(`the native addon was loaded: ${filename}`)
  return dlopen.call(this, module, filename, ...rest)
}

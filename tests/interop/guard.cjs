// A network guard for every Node process of the interoperability suite, loaded
// with NODE_OPTIONS="--require /path/to/guard.cjs".
//
// It refuses, before any packet leaves the machine:
// - a TCP or TLS connection (net, tls, http, https, http2, fetch) to anything
//   but a loopback address (127.0.0.0/8, ::1) or the name "localhost";
// - a DNS lookup or query of any name but "localhost", which it answers itself
//   with a loopback address, never asking the system's resolver;
// - a UDP datagram to anything but a loopback address.
// Unix-domain sockets and pipes stay allowed: they do not leave the machine.
//
// A refusal is an Error with code "EINTEROPGUARD" and a message that starts
// with "interop guard:", delivered the way the refused operation reports
// errors (a socket's "error" event, a callback, a rejected promise) and
// written to stderr, so a test that reaches for the real Connect service
// fails loudly instead.
"use strict";

const dgram = require("node:dgram");
const dns = require("node:dns");
const net = require("node:net");

const CODE = "EINTEROPGUARD";

// The refusal, also written to stderr at once: a program that swallows the error (or reports it
// as something else) still shows what was refused.
function refusal(what) {
  const error = new Error(`interop guard: refused ${what} (only loopback is allowed)`);
  error.code = CODE;
  process.stderr.write(`${error.message}\n`);
  return error;
}

function stripBrackets(host) {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function isLoopbackAddress(address) {
  const host = stripBrackets(String(address)).toLowerCase();
  if (net.isIPv4(host)) return host.split(".")[0] === "127";
  if (net.isIPv6(host)) {
    if (host === "::1" || /^(0{1,4}:){7}0{0,3}1$/.test(host)) return true;
    const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    return mapped !== null && isLoopbackAddress(mapped[1]);
  }
  return false;
}

function isLocalhostName(name) {
  const host = String(name).toLowerCase().replace(/\.$/, "");
  return host === "localhost";
}

function loopbackFor(family) {
  return family === 6 || family === "IPv6" ? { address: "::1", family: 6 } : { address: "127.0.0.1", family: 4 };
}

// --- DNS ---------------------------------------------------------------------------------------

// dns.lookup(hostname[, options], callback): localhost and loopback literals only.
function guardedLookup(hostname, options, callback) {
  if (typeof options === "function") {
    callback = options;
    options = {};
  }
  if (typeof options === "number") options = { family: options };
  options = options || {};
  if (typeof callback !== "function") throw new TypeError("callback must be a function");
  let answer;
  if (isLoopbackAddress(hostname)) {
    const address = stripBrackets(String(hostname));
    answer = { address, family: net.isIPv6(address) ? 6 : 4 };
  } else if (isLocalhostName(hostname)) {
    answer = loopbackFor(options.family);
  }
  process.nextTick(() => {
    if (answer === undefined) callback(refusal(`DNS lookup of ${JSON.stringify(String(hostname))}`));
    else if (options.all) callback(null, [answer]);
    else callback(null, answer.address, answer.family);
  });
}

function guardedLookupPromise(hostname, options) {
  return new Promise((resolve, reject) => {
    guardedLookup(hostname, { ...(typeof options === "number" ? { family: options } : options), all: false }, (err, address, family) => {
      if (err) return reject(err);
      const answer = { address, family };
      resolve(options && typeof options === "object" && options.all ? [answer] : answer);
    });
  });
}

dns.lookup = guardedLookup;
dns.promises.lookup = guardedLookupPromise;

// Every query of a name server (resolve, resolve4, reverse, lookupService, ...), on the module, on
// dns.promises and on both Resolver classes: refused. The suite never needs them.
const QUERIES = [
  "lookupService", "resolve", "resolve4", "resolve6", "resolveAny", "resolveCaa", "resolveCname",
  "resolveMx", "resolveNaptr", "resolveNs", "resolvePtr", "resolveSoa", "resolveSrv", "resolveTxt", "reverse",
];

function refuseWithCallback(name) {
  return function refused(...args) {
    const callback = args[args.length - 1];
    const error = refusal(`DNS query dns.${name}(${JSON.stringify(String(args[0]))})`);
    if (typeof callback !== "function") throw error;
    process.nextTick(() => callback(error));
    return undefined;
  };
}

function refuseWithPromise(name) {
  return async function refused(...args) {
    throw refusal(`DNS query dns.promises.${name}(${JSON.stringify(String(args[0]))})`);
  };
}

for (const name of QUERIES) {
  if (typeof dns[name] === "function") dns[name] = refuseWithCallback(name);
  if (typeof dns.Resolver.prototype[name] === "function") dns.Resolver.prototype[name] = refuseWithCallback(name);
  if (typeof dns.promises[name] === "function") dns.promises[name] = refuseWithPromise(name);
  if (typeof dns.promises.Resolver.prototype[name] === "function") {
    dns.promises.Resolver.prototype[name] = refuseWithPromise(name);
  }
}

// --- TCP and TLS -------------------------------------------------------------------------------

// The options of Socket#connect, however it was called: connect(options[, cb]),
// connect(port[, host][, cb]), connect(path[, cb]), or net.connect's pre-normalized [options, cb].
function connectOptions(args) {
  const first = args[0];
  if (Array.isArray(first)) return first[0] || {};
  if (first !== null && typeof first === "object") return first;
  if (typeof first === "string" && !/^\d+$/.test(first)) return { path: first };
  return { port: first, host: typeof args[1] === "string" ? args[1] : undefined };
}

const originalConnect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function guardedConnect(...args) {
  const options = connectOptions(args);
  if (options.path !== undefined && options.path !== null) return originalConnect.apply(this, args);
  const host = options.host === undefined || options.host === null || options.host === "" ? "localhost" : options.host;
  if (isLoopbackAddress(host) || isLocalhostName(host)) {
    // The name is resolved by the guard's own lookup, whatever lookup the caller brought.
    if (!net.isIP(stripBrackets(String(host)))) options.lookup = guardedLookup;
    return originalConnect.apply(this, args);
  }
  const error = refusal(`connection to ${host}:${options.port}`);
  process.nextTick(() => this.destroy(error));
  return this;
};

// --- UDP ---------------------------------------------------------------------------------------

function datagramTarget(args) {
  // send(msg[, offset, length][, port][, address][, callback]); address is the first string after msg.
  const address = args.slice(1).find((a) => typeof a === "string");
  return address === undefined ? "localhost" : address;
}

const originalSend = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function guardedSend(...args) {
  const address = datagramTarget(args);
  const hasPort = args.slice(1).some((a) => typeof a === "number");
  if (!hasPort || isLoopbackAddress(address) || isLocalhostName(address)) return originalSend.apply(this, args);
  const error = refusal(`UDP datagram to ${address}`);
  const callback = args[args.length - 1];
  if (typeof callback === "function") process.nextTick(() => callback(error));
  else process.nextTick(() => this.emit("error", error));
  return undefined;
};

const originalDgramConnect = dgram.Socket.prototype.connect;
dgram.Socket.prototype.connect = function guardedDgramConnect(port, address, callback) {
  const host = typeof address === "string" ? address : "localhost";
  if (isLoopbackAddress(host) || isLocalhostName(host)) return originalDgramConnect.apply(this, arguments);
  throw refusal(`UDP connection to ${host}:${port}`);
};

module.exports = { CODE, isLoopbackAddress };

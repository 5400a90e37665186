// Tries every way out of the machine the guard covers, and the loopback ways it must leave open.
//
//   node guard_probe.cjs BASE_URL
//
// Prints one JSON object: for each probe, {"refused": true, "code", "message"} when it failed,
// {"refused": false, ...what it got} when it went through. Each probe gives up after 5 s (an
// address like 10.255.255.1 that nothing answers would otherwise hang until the OS gives up),
// so a probe that the guard let through shows as "timeout", never as a hang.
"use strict";

const dgram = require("node:dgram");
const dns = require("node:dns");
const http = require("node:http");
const https = require("node:https");
const net = require("node:net");
const tls = require("node:tls");

const baseUri = process.argv[2];
const REAL_SERVICE = "https://connect.europe-west1.gcp.commercetools.com/connectors/drafts";
const AUTH_SERVICE = "https://auth.europe-west1.gcp.commercetools.com/oauth/token";

function withTimeout(promise) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ refused: false, timeout: true }), 5000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function refused(error) {
  const cause = error && error.cause ? error.cause : error;
  return { refused: true, code: cause && cause.code, message: cause && cause.message };
}

function socketProbe(open) {
  return new Promise((resolve) => {
    const socket = open();
    socket.on("connect", () => {
      socket.destroy();
      resolve({ refused: false, connected: true });
    });
    socket.on("secureConnect", () => {
      socket.destroy();
      resolve({ refused: false, connected: true });
    });
    socket.on("error", (error) => resolve(refused(error)));
  });
}

function callbackProbe(call) {
  return new Promise((resolve) => {
    call((error, ...answer) => resolve(error ? refused(error) : { refused: false, answer }));
  });
}

async function promiseProbe(call) {
  try {
    return { refused: false, answer: await call() };
  } catch (error) {
    return refused(error);
  }
}

function requestProbe(module, url) {
  return new Promise((resolve) => {
    module
      .get(url, (response) => {
        response.resume();
        resolve({ refused: false, status: response.statusCode });
      })
      .on("error", (error) => resolve(refused(error)));
  });
}

function udpProbe(address) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    socket.on("error", (error) => {
      socket.close();
      resolve(refused(error));
    });
    socket.send(Buffer.from("probe"), 53, address, (error) => {
      socket.close();
      resolve(error ? refused(error) : { refused: false, sent: true });
    });
  });
}

const PROBES = {
  // Refused: anything that leaves the machine.
  "net.connect to 10.255.255.1": () => socketProbe(() => net.connect(443, "10.255.255.1")),
  "net.connect to 2001:db8::1": () => socketProbe(() => net.connect({ port: 443, host: "2001:db8::1" })),
  "net.connect to the Connect API's host": () =>
    socketProbe(() => net.connect({ port: 443, host: "connect.europe-west1.gcp.commercetools.com" })),
  "tls.connect to the auth host": () =>
    socketProbe(() => tls.connect({ port: 443, host: "auth.europe-west1.gcp.commercetools.com" })),
  "fetch of the Connect API": () => promiseProbe(() => fetch(REAL_SERVICE).then((r) => r.status)),
  "fetch of the auth service": () => promiseProbe(() => fetch(AUTH_SERVICE, { method: "POST" }).then((r) => r.status)),
  "https.get of the npm registry": () => requestProbe(https, "https://registry.npmjs.org/"),
  "http.get of 10.255.255.1": () => requestProbe(http, "http://10.255.255.1/"),
  "dns.lookup of registry.npmjs.org": () => callbackProbe((done) => dns.lookup("registry.npmjs.org", done)),
  "dns.promises.lookup of commercetools.com": () => promiseProbe(() => dns.promises.lookup("commercetools.com")),
  "dns.resolve4 of commercetools.com": () => callbackProbe((done) => dns.resolve4("commercetools.com", done)),
  "dns.Resolver of commercetools.com": () =>
    promiseProbe(() => new dns.promises.Resolver().resolve4("commercetools.com")),
  "dns.reverse of 8.8.8.8": () => callbackProbe((done) => dns.reverse("8.8.8.8", done)),
  "UDP datagram to 8.8.8.8": () => udpProbe("8.8.8.8"),
  // Allowed: loopback.
  "fetch of the mock at 127.0.0.1": () =>
    promiseProbe(() => fetch(`${baseUri}/connectors/drafts`).then((r) => r.status)),
  "fetch of the mock at localhost": () =>
    promiseProbe(() => fetch(`${baseUri.replace("127.0.0.1", "localhost")}/connectors/drafts`).then((r) => r.status)),
  "http.get of the mock": () => requestProbe(http, `${baseUri}/connectors/drafts`),
  "dns.lookup of localhost": () => callbackProbe((done) => dns.lookup("localhost", { family: 4 }, done)),
};

async function main() {
  const results = {};
  for (const [name, probe] of Object.entries(PROBES)) results[name] = await withTimeout(probe());
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main();

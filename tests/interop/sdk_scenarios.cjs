// The official TypeScript SDK (@commercetools-connect/sdk) against the mock, one scenario a run.
//
//   node sdk_scenarios.cjs BASE_URL SCENARIO     run one scenario; exit 0 when every check holds
//   node sdk_scenarios.cjs --list                print the scenarios' names, one a line
//
// The client is built the way the Connect CLI builds its own: the SDK's createApiClient over
// @commercetools/ts-client's ClientBuilder (an existing token, a correlation id, the HTTP
// middleware on fetch). Errors surface as ts-client throws them: BadRequest, NotFound and
// ConcurrentModification, with the API's ErrorResponse as `body`.
//
// Every body is checked against the SDK's own types, read from the installed package's .d.ts
// files: each field an interface declares without `?` must be present and not null, and its
// value must have the declared shape (string, number, boolean, array, nested interface).
// A scenario expects an empty mock: the suite resets it before each run.
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { randomUUID } = require("node:crypto");

const { createApiClient } = require("@commercetools-connect/sdk");
const { ClientBuilder } = require("@commercetools/ts-client");

// --- The SDK's types, from its declaration files ---------------------------------------------------

const MODELS = path.join(path.dirname(require.resolve("@commercetools-connect/sdk")), "generated", "models");
const INTERFACES = {};
const ALIASES = new Set();
const ERROR_TYPES = {}; // error code -> interface name

for (const file of ["common.d.ts", "connector.d.ts", "deployment.d.ts", "error.d.ts"]) {
  const text = fs.readFileSync(path.join(MODELS, file), "utf8");
  for (const match of text.matchAll(/^export interface (\w+) \{\n([\s\S]*?)^\}/gm)) {
    const fields = {};
    for (const field of match[2].matchAll(/^ {4}readonly '?([\w.]+)'?(\?)?: ([^;]+);$/gm)) {
      fields[field[1]] = { optional: field[2] === "?", type: field[3].trim() };
    }
    INTERFACES[match[1]] = fields;
    const code = /^ {4}readonly code: "(\w+)";$/m.exec(match[2]);
    if (code) ERROR_TYPES[code[1]] = match[1];
  }
  for (const match of text.matchAll(/^export type (\w+) = /gm)) ALIASES.add(match[1]);
}
assert.ok(INTERFACES.ConnectorStaged && INTERFACES.Connector && INTERFACES.ErrorResponse, "the SDK's types were not found");

function checkType(value, type, where) {
  if (type === "any") return;
  if (type.endsWith("[]")) {
    assert.ok(Array.isArray(value), `${where}: expected an array (${type}), got ${JSON.stringify(value)}`);
    value.forEach((item, i) => checkType(item, type.slice(0, -2), `${where}[${i}]`));
  } else if (["string", "number", "boolean"].includes(type)) {
    assert.equal(typeof value, type, `${where}: expected a ${type}, got ${JSON.stringify(value)}`);
  } else if (ALIASES.has(type)) {
    // The SDK's string unions all end in `| string`; ErrorObject and the action unions are not read back.
    if (type !== "ErrorObject") assert.equal(typeof value, "string", `${where}: expected a string (${type})`);
    else conforms(value, ERROR_TYPES[value.code] || "GeneralError", where);
  } else if (INTERFACES[type]) {
    conforms(value, type, where);
  }
}

// Assert that *value* is a *typeName* of the SDK: its required fields there, every field of the right shape.
function conforms(value, typeName, where = typeName) {
  const fields = INTERFACES[typeName];
  assert.ok(fields, `no type ${typeName} in the SDK`);
  assert.ok(value !== null && typeof value === "object", `${where}: expected an object (${typeName})`);
  for (const [name, { optional, type }] of Object.entries(fields)) {
    const present = value[name] !== undefined && value[name] !== null;
    if (!present) {
      assert.ok(optional, `${where}.${name}: required by the SDK's ${typeName} (${type}) but missing in ${JSON.stringify(value)}`);
      continue;
    }
    checkType(value[name], type, `${where}.${name}`);
  }
  return value;
}

// --- The client ---------------------------------------------------------------------------------------

const [, , baseUri, scenarioName] = process.argv;
const sentCorrelationIds = [];

function client() {
  const built = new ClientBuilder()
    .withExistingTokenFlow("Bearer interop-access-token", { force: true })
    .withCorrelationIdMiddleware({
      generate: () => {
        const id = `interop-sdk-${randomUUID()}`;
        sentCorrelationIds.push(id);
        return id;
      },
    })
    .withHttpMiddleware({
      host: baseUri,
      httpClient: fetch,
      includeResponseHeaders: true,
      includeOriginalRequest: true,
      includeRequestInErrorResponse: true,
    })
    .build();
  return createApiClient(built.execute, baseUri);
}

const api = baseUri ? client() : null;

// Move the mock's clock (not an SDK endpoint: the mock's own).
async function advance(seconds) {
  const answer = await fetch(`${baseUri}/__mock__/clock`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ seconds }),
  });
  assert.equal(answer.status, 200, "POST /__mock__/clock");
}

const URL = "https://github.com/example/erp-sync.git";

function draft(fields = {}) {
  return {
    key: "erp-sync",
    name: "ERP sync",
    description: "Sends orders to an ERP",
    creator: { email: "jane.doe@example.com", company: "Example Inc." },
    repository: { url: URL, tag: "v1.0.0" },
    supportedRegions: ["europe-west1.gcp"],
    integrationTypes: ["erp"],
    ...fields,
  };
}

async function create(fields = {}) {
  const response = await api.connectors().drafts().post({ body: draft(fields) }).execute();
  assert.equal(response.statusCode, 201, "POST /connectors/drafts");
  return conforms(response.body, "ConnectorStaged");
}

async function update(staged, ...actions) {
  const response = await api
    .connectors()
    .drafts()
    .withId({ ID: staged.id })
    .post({ body: { version: staged.version, actions } })
    .execute();
  assert.equal(response.statusCode, 201, "POST /connectors/drafts/{ID}");
  return conforms(response.body, "ConnectorStaged");
}

// A published (production) Connector: publish, then read the draft until the simulated service is done.
async function published(fields = {}, certification = false) {
  const staged = await create(fields);
  await update(staged, { action: "publish", certification });
  for (let i = 0; i < 50; i++) {
    const { body } = await api.connectors().drafts().withId({ ID: staged.id }).get().execute();
    if (body.status === "Published") return body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`the mock did not publish ${staged.id}`);
}

// The error *request* fails with, checked for its ts-client class, status and ErrorResponse.
async function failure(request, { name, statusCode, code }) {
  let error;
  try {
    const response = await request.execute();
    assert.fail(`expected ${statusCode} ${code}, got ${response.statusCode} ${JSON.stringify(response.body)}`);
  } catch (caught) {
    if (caught instanceof assert.AssertionError) throw caught;
    error = caught;
  }
  assert.ok(error instanceof Error, `expected an Error, got ${JSON.stringify(error)}`);
  assert.equal(error.name, name, `the error's class (${error.message})`);
  assert.equal(error.statusCode, statusCode, "the error's statusCode");
  conforms(error.body, "ErrorResponse", "error.body");
  assert.equal(error.body.statusCode, statusCode, "error.body.statusCode");
  assert.ok(error.body.errors && error.body.errors.length > 0, "error.body.errors is empty");
  assert.equal(error.body.errors[0].code, code, `error.body.errors[0].code in ${JSON.stringify(error.body)}`);
  assert.equal(error.code, code, "the error's code");
  // Codes the SDK has no type for (DeploymentApplicationDoesNotExist) are checked as its GeneralError.
  conforms(error.body.errors[0], ERROR_TYPES[code] || "GeneralError", "error.body.errors[0]");
  return error;
}

// --- Deployments -----------------------------------------------------------------------------------
//
// Every connector declares what configurations.json holds (the suite's mock runs with
// --configurations): applications `service` (CTP_REGION required, CTP_SECRET secured) and `job`
// (BATCH_SIZE), and the global keys SHOP_CURRENCY (required) and SHOP_TOKEN (secured). With
// `serve --delay 0` a Deployment is Queued when created or redeployed, and Deployed (or Failed) at the
// next read.

const PROJECT_KEY = "mock-project";
const REGION = "europe-west1.gcp";
const PROJECT = `${REGION}:${PROJECT_KEY}`; // the deploying project, as privateProjects lists it
const MASK = "****";

function deployments() {
  return api.withProjectKey({ projectKey: PROJECT_KEY }).deployments();
}

// A draft that lists the project in privateProjects, with its preview granted.
async function previewable(fields = {}) {
  const staged = await create({ privateProjects: [PROJECT], ...fields });
  await update(staged, { action: "updatePreviewable" });
  const { body } = await api.connectors().drafts().withId({ ID: staged.id }).get().execute();
  assert.equal(body.isPreviewable, "true", "the simulated service grants the preview at once");
  return conforms(body, "ConnectorStaged");
}

// The values of a DeploymentDraft for every key (`region: null` leaves the required CTP_REGION out).
function values({ region = "eu", currency = "EUR" } = {}) {
  return {
    configurations: [
      {
        applicationName: "service",
        standardConfiguration: region === null ? [] : [{ key: "CTP_REGION", value: region }],
        securedConfiguration: [{ key: "CTP_SECRET", value: "s3cret" }],
      },
      { applicationName: "job", standardConfiguration: [{ key: "BATCH_SIZE", value: "10" }], securedConfiguration: [] },
    ],
    globalConfiguration: {
      standardConfiguration: [{ key: "SHOP_CURRENCY", value: currency }],
      securedConfiguration: [{ key: "SHOP_TOKEN", value: "t0ken" }],
    },
  };
}

function deploymentDraft(connector, fields = {}) {
  return { key: "dep-1", connector, region: REGION, ...values(), ...fields };
}

// POST /{projectKey}/deployments: the 201 answer.
async function deploy(connector, fields = {}) {
  const response = await deployments().post({ body: deploymentDraft(connector, fields) }).execute();
  assert.equal(response.statusCode, 201, "POST /{projectKey}/deployments");
  return conforms(response.body, "Deployment");
}

// GET /{projectKey}/deployments/{ID}: the Deployment as it now is.
async function read(deployment) {
  const response = await deployments().withId({ ID: deployment.id }).get().execute();
  assert.equal(response.statusCode, 200, "GET /{projectKey}/deployments/{ID}");
  return conforms(response.body, "Deployment");
}

// A Deployment created, then read once: settled (Deployed, or Failed).
async function deployed(connector, fields = {}) {
  return read(await deploy(connector, fields));
}

// A ConnectorReference to the previewable draft *staged*, or to the production Connector *connector*.
const stagedReference = (staged) => ({ id: staged.id, version: staged.version, staged: true });
const reference = (connector) => ({ key: connector.key, version: connector.version });

function named(deployment, name) {
  const found = deployment.applications.filter((a) => a.applicationName === name);
  assert.equal(found.length, 1, `one application ${name} in ${JSON.stringify(deployment.applications)}`);
  return found[0];
}

// The Deployment holds the values of values(), each secured one masked.
function assertHoldsEveryValue(deployment, { region = "eu", currency = "EUR" } = {}) {
  assert.deepEqual(named(deployment, "service").standardConfiguration, [{ key: "CTP_REGION", value: region }]);
  assert.deepEqual(named(deployment, "service").securedConfiguration, [{ key: "CTP_SECRET", value: MASK }]);
  assert.deepEqual(named(deployment, "job").standardConfiguration, [{ key: "BATCH_SIZE", value: "10" }]);
  assert.deepEqual(named(deployment, "job").securedConfiguration, []);
  assert.deepEqual(deployment.globalConfiguration, {
    standardConfiguration: [{ key: "SHOP_CURRENCY", value: currency }],
    securedConfiguration: [{ key: "SHOP_TOKEN", value: MASK }],
  });
  const text = JSON.stringify(deployment);
  assert.ok(!text.includes("s3cret") && !text.includes("t0ken"), `a secured value in clear: ${text}`);
}

// A logs page: each entry a DeploymentLog. The mock leaves `next` out of the last page (a decision of
// deployments.md, although the SDK's DeploymentLogCursorPagedQueryResponse requires it), so this
// checks that every page here is the last one.
function logPage(response, where) {
  assert.equal(response.statusCode, 200, where);
  const page = response.body;
  assert.ok(Array.isArray(page.data), `${where}: data is not an array in ${JSON.stringify(page)}`);
  page.data.forEach((entry, i) => conforms(entry, "DeploymentLog", `${where}.data[${i}]`));
  assert.equal(page.next, undefined, `${where}: next is left out of the last page`);
  return page.data;
}

function assertStarted(entry, deployment, name) {
  assert.equal(entry.type, "APPLICATION_TEXT");
  assert.equal(entry.deploymentId, deployment.id);
  assert.equal(entry.applicationName, name);
  assert.equal(entry.severity, "INFO");
  assert.ok(!Number.isNaN(Date.parse(entry.timestamp)), `timestamp ${entry.timestamp}`);
  assert.deepEqual(entry.details, { message: `Application ${name} started` });
}

async function mockNow() {
  const answer = await fetch(`${baseUri}/__mock__/clock`);
  assert.equal(answer.status, 200, "GET /__mock__/clock");
  return new Date((await answer.json()).now);
}

// --- The scenarios ------------------------------------------------------------------------------------

const SCENARIOS = {
  async "create"() {
    const staged = await create();
    assert.match(staged.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(staged.version, 1);
    assert.equal(staged.key, "erp-sync");
    assert.equal(staged.name, "ERP sync");
    assert.equal(staged.description, "Sends orders to an ERP");
    assert.deepEqual(staged.creator, { email: "jane.doe@example.com", company: "Example Inc." });
    assert.deepEqual(staged.repository, { url: URL, tag: "v1.0.0" });
    assert.deepEqual(staged.supportedRegions, ["europe-west1.gcp"]);
    assert.deepEqual(staged.integrationTypes, ["erp"]);
    assert.equal(staged.status, "Draft");
    assert.equal(staged.isPreviewable, "none");
    assert.equal(staged.private, true);
    assert.deepEqual(staged.privateProjects, []);
    assert.equal(staged.alreadyListed, false);
    assert.equal(staged.hasChanges, false);
  },

  async "create-without-description"() {
    const body = draft();
    delete body.description;
    const response = await api.connectors().drafts().post({ body }).execute();
    assert.equal(response.statusCode, 201);
    assert.equal(response.body.description, "", "a draft without a description gets description \"\"");
    conforms(response.body, "ConnectorStaged");
  },

  async "query"() {
    const made = [];
    for (const [key, types] of [["first", ["erp"]], ["second", ["crm"]], ["third", ["tax", "other"]]]) {
      made.push(await create({ key, name: key, integrationTypes: types }));
      await advance(60);
    }
    const drafts = api.connectors().drafts();
    const page = await drafts.get({ queryArgs: { limit: 2, offset: 1, sort: "createdAt desc" } }).execute();
    assert.equal(page.statusCode, 200);
    conforms(page.body, "ConnectorStagedPagedQueryResponse");
    assert.deepEqual(
      [page.body.limit, page.body.offset, page.body.count, page.body.total],
      [2, 1, 2, 3],
      "limit, offset, count, total",
    );
    assert.deepEqual(page.body.results.map((s) => s.key), ["second", "first"]);

    const all = await drafts.get().execute();
    assert.deepEqual([all.body.limit, all.body.offset, all.body.total], [20, 0, 3], "the defaults");

    const sorted = await drafts.get({ queryArgs: { sort: ["lastModifiedAt asc"] } }).execute();
    assert.deepEqual(sorted.body.results.map((s) => s.key), ["first", "second", "third"]);

    const typed = await drafts.get({ queryArgs: { integrationTypes: ["erp", "tax"] } }).execute();
    assert.deepEqual(typed.body.results.map((s) => s.key).sort(), ["first", "third"], "integrationTypes");

    const privates = await drafts.get({ queryArgs: { isPrivate: true } }).execute();
    assert.equal(privates.body.total, 3, "isPrivate=true");
    const publics = await drafts.get({ queryArgs: { isPrivate: false } }).execute();
    assert.equal(publics.body.total, 0, "isPrivate=false");
  },

  async "get-by-id"() {
    const staged = await create();
    const response = await api.connectors().drafts().withId({ ID: staged.id }).get().execute();
    assert.equal(response.statusCode, 200);
    assert.deepEqual(conforms(response.body, "ConnectorStaged"), staged);
  },

  async "get-by-key"() {
    const staged = await create();
    const response = await api.connectors().drafts().withKey({ key: "erp-sync" }).get().execute();
    assert.equal(response.statusCode, 200);
    assert.deepEqual(conforms(response.body, "ConnectorStaged"), staged);
  },

  async "update-by-id"() {
    const staged = await create();
    const after = await update(
      staged,
      { action: "setName", name: "ERP sync 2" },
      { action: "setDescription", description: "Sends orders and invoices" },
      { action: "setCreatorEmail", creatorEmail: "john.roe@example.com" },
      { action: "setCreatorCompany", creatorCompany: "Example GmbH" },
      { action: "setRepository", url: "git@github.com:example/erp-sync-next.git", tag: "v2.0.0" },
      { action: "setSupportedRegions", regions: ["europe-west1.gcp", "us-central1.gcp"] },
      { action: "setIntegrationTypes", integrationTypes: ["erp", "oms"] },
      { action: "addPrivateProject", privateProject: "europe-west1.gcp:my-project" },
      { action: "setDocumentationUrl", documentationUrl: "https://example.com/docs" },
    );
    assert.equal(after.version, 2);
    assert.equal(after.name, "ERP sync 2");
    assert.equal(after.description, "Sends orders and invoices");
    assert.deepEqual(after.creator, { email: "john.roe@example.com", company: "Example GmbH" });
    assert.deepEqual(after.repository, { url: "git@github.com:example/erp-sync-next.git", tag: "v2.0.0" });
    assert.deepEqual(after.supportedRegions, ["europe-west1.gcp", "us-central1.gcp"]);
    assert.deepEqual(after.integrationTypes, ["erp", "oms"]);
    assert.deepEqual(after.privateProjects, ["europe-west1.gcp:my-project"]);
    assert.equal(after.documentationUrl, "https://example.com/docs");
  },

  async "update-by-key"() {
    const staged = await create();
    const response = await api
      .connectors()
      .drafts()
      .withKey({ key: "erp-sync" })
      .post({ body: { version: staged.version, actions: [{ action: "setName", name: "Renamed" }] } })
      .execute();
    assert.equal(response.statusCode, 201);
    conforms(response.body, "ConnectorStaged");
    assert.equal(response.body.version, 2);
    assert.equal(response.body.name, "Renamed");
  },

  async "set-repository-without-url"() {
    const staged = await create();
    const after = await update(staged, { action: "setRepository", tag: "v2.0.0" });
    assert.deepEqual(after.repository, { url: URL, tag: "v2.0.0" }, "setRepository without url keeps the url");
  },

  async "connector-by-id"() {
    const staged = await published();
    const response = await api.connectors().withId({ ID: staged.id }).get().execute();
    assert.equal(response.statusCode, 200);
    const connector = conforms(response.body, "Connector");
    assert.equal(connector.id, staged.id);
    assert.equal(connector.key, "erp-sync");
    assert.equal(connector.name, "ERP sync");
    assert.equal(connector.description, "Sends orders to an ERP");
    assert.deepEqual(connector.repository, { url: URL, tag: "v1.0.0" });
    assert.equal(connector.certified, false);
    assert.equal(connector.private, true);
  },

  async "connector-by-key"() {
    const staged = await published({}, true);
    const response = await api.connectors().withKey({ key: "erp-sync" }).get().execute();
    assert.equal(response.statusCode, 200);
    const connector = conforms(response.body, "Connector");
    assert.equal(connector.id, staged.id);
    assert.equal(connector.certified, true);
  },

  async "search"() {
    const erp = await published(
      { key: "erp-sync", name: "ERP sync", creator: { email: "a@example.com", company: "Example Inc." } },
      true,
    );
    const crm = await published(
      { key: "crm-sync", name: "CRM sync", description: "Sends customers to a CRM", integrationTypes: ["crm"],
        creator: { email: "b@example.com", company: "Other Ltd." } },
      true,
    );
    const search = api.connectors().search();
    const all = await search.get().execute();
    assert.equal(all.statusCode, 200, "GET /connectors/search");
    conforms(all.body, "ConnectorSearchPagedQueryResponse");
    assert.deepEqual([all.body.limit, all.body.offset, all.body.count, all.body.total], [20, 0, 2, 2]);

    const byText = await search.get({ queryArgs: { text: "erp" } }).execute();
    assert.deepEqual(byText.body.results.map((c) => c.id), [erp.id], "text");
    const byCompany = await search.get({ queryArgs: { "creator.company": "Other Ltd." } }).execute();
    assert.deepEqual(byCompany.body.results.map((c) => c.id), [crm.id], "creator.company");
    const byKey = await search.get({ queryArgs: { key: ["crm-sync"] } }).execute();
    assert.deepEqual(byKey.body.results.map((c) => c.id), [crm.id], "key");
    const byId = await search.get({ queryArgs: { id: [erp.id, crm.id] } }).execute();
    assert.equal(byId.body.total, 2, "id");
    const byType = await search.get({ queryArgs: { integrationTypes: ["crm"] } }).execute();
    assert.deepEqual(byType.body.results.map((c) => c.id), [crm.id], "integrationTypes");
    const page = await search.get({ queryArgs: { limit: 1, offset: 1 } }).execute();
    assert.deepEqual([page.body.limit, page.body.offset, page.body.count, page.body.total], [1, 1, 1, 2]);
    const none = await search.get({ queryArgs: { text: "nothing like it" } }).execute();
    assert.deepEqual([none.body.count, none.body.total, none.body.results], [0, 0, []], "no match");
  },

  async "error-400-invalid-body"() {
    const error = await failure(api.connectors().drafts().post({ body: draft({ key: "x" }) }), {
      name: "BadRequest",
      statusCode: 400,
      code: "InvalidJsonInput",
    });
    assert.match(error.body.errors[0].detailedErrorMessage, /key/);
  },

  async "error-400-invalid-query-parameter"() {
    const error = await failure(api.connectors().drafts().get({ queryArgs: { limit: -1 } }), {
      name: "BadRequest",
      statusCode: 400,
      code: "InvalidQueryParam",
    });
    assert.match(error.body.errors[0].detailedErrorMessage, /limit/);
  },

  async "error-404"() {
    const unknown = randomUUID();
    const expected = { name: "NotFound", statusCode: 404, code: "ResourceNotFound" };
    await failure(api.connectors().drafts().withId({ ID: unknown }).get(), expected);
    await failure(api.connectors().drafts().withKey({ key: "nothing-here" }).get(), expected);
    await failure(
      api.connectors().drafts().withId({ ID: unknown }).post({ body: { version: 1, actions: [] } }),
      expected,
    );
    await failure(api.connectors().withId({ ID: unknown }).get(), expected);
    await failure(api.connectors().withKey({ key: "nothing-here" }).get(), expected);
    // A draft that was never published has no production Connector.
    const staged = await create();
    await failure(api.connectors().withId({ ID: staged.id }).get(), expected);
  },

  async "error-409"() {
    const staged = await create();
    await update(staged, { action: "setName", name: "Renamed" });
    const error = await failure(
      api.connectors().drafts().withId({ ID: staged.id }).post({
        body: { version: 1, actions: [{ action: "setName", name: "Stale" }] },
      }),
      { name: "ConcurrentModification", statusCode: 409, code: "ConcurrentModification" },
    );
    assert.equal(error.body.errors[0].expectedVersion, 1);
    assert.equal(error.body.errors[0].currentVersion, 2);
  },

  async "deployment-create"() {
    const staged = await previewable();
    const preview = await deploy(stagedReference(staged), { key: "prev-1" });
    assert.match(preview.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(preview.key, "prev-1");
    assert.equal(preview.version, 1);
    assert.equal(preview.status, "Queued");
    assert.equal(preview.type, "preview", "a staged reference without type is a preview");
    assert.equal(preview.preview, true);
    assert.equal(preview.deployedRegion, REGION);
    assert.equal(typeof preview.details.build.id, "string");
    assert.equal(preview.details.build.report, undefined, "a new Deployment has no build report");
    const snapshot = preview.connector;
    assert.deepEqual(
      [snapshot.id, snapshot.key, snapshot.version, snapshot.name, snapshot.certified],
      [staged.id, "erp-sync", staged.version, "ERP sync", false],
    );
    assert.deepEqual(snapshot.repository, { url: URL, tag: "v1.0.0" });
    assert.deepEqual(snapshot.integrationTypes, ["erp"]);
    assert.deepEqual(snapshot.configurations, staged.configurations, "the snapshot has the draft's applications");
    assert.deepEqual(snapshot.globalConfiguration, staged.globalConfiguration);
    assert.deepEqual(preview.applications.map((a) => a.applicationName), ["service", "job"]);
    assert.equal(new Set(preview.applications.map((a) => a.id)).size, 2, "each application has its own id");
    assert.equal(typeof named(preview, "service").url, "string", "a service application has a url");
    assert.equal(named(preview, "job").url, undefined);
    assertHoldsEveryValue(preview);

    const connector = await published({ key: "crm-sync", name: "CRM sync", integrationTypes: ["crm"] });
    const production = await api.connectors().withKey({ key: "crm-sync" }).get().execute();
    const sandbox = await deploy(reference(production.body), { key: "dep-1" });
    assert.equal(sandbox.type, "sandbox", "a production reference without type is a sandbox");
    assert.equal(sandbox.preview, false);
    assert.equal(sandbox.status, "Queued");
    assert.equal(sandbox.connector.id, connector.id);
    assert.equal(sandbox.connector.version, production.body.version);
    assertHoldsEveryValue(sandbox);
    const byId = await deploy({ id: connector.id }, { key: "dep-2", type: "production" });
    assert.equal(byId.type, "production");
    assert.equal(byId.preview, false);
    assert.equal(byId.connector.version, production.body.version, "without a version: the current one");
  },

  async "deployment-query"() {
    const erp = await previewable({ key: "erp-sync", integrationTypes: ["erp"] });
    await published({ key: "crm-sync", name: "CRM sync", integrationTypes: ["crm"] });
    const crm = (await api.connectors().withKey({ key: "crm-sync" }).get().execute()).body;
    await deployed(stagedReference(erp), { key: "dep-a" });
    await advance(60);
    await deployed(reference(crm), { key: "dep-b" });
    await advance(60);
    await deployed(reference(crm), { key: "dep-c", type: "production" });

    const page = await deployments().get({ queryArgs: { limit: 2, offset: 1, sort: "createdAt desc" } }).execute();
    assert.equal(page.statusCode, 200, "GET /{projectKey}/deployments");
    conforms(page.body, "DeploymentPagedQueryResponse");
    assert.deepEqual(
      [page.body.limit, page.body.offset, page.body.count, page.body.total],
      [2, 1, 2, 3],
      "limit, offset, count, total",
    );
    assert.deepEqual(page.body.results.map((d) => d.key), ["dep-b", "dep-a"]);
    assert.ok(page.body.results.every((d) => d.status === "Deployed"), "the list shows the settled Deployments");

    const all = await deployments().get().execute();
    assert.deepEqual([all.body.limit, all.body.offset, all.body.count, all.body.total], [20, 0, 3, 3], "the defaults");
    const keys = async (queryArgs) =>
      (await deployments().get({ queryArgs }).execute()).body.results.map((d) => d.key);
    assert.deepEqual(await keys({ sort: ["createdAt asc"] }), ["dep-a", "dep-b", "dep-c"]);
    assert.deepEqual(await keys({ sort: ["key desc"] }), ["dep-c", "dep-b", "dep-a"]);
    assert.deepEqual(await keys({ deploymentType: "preview" }), ["dep-a"], "deploymentType=preview");
    assert.deepEqual(await keys({ deploymentType: "sandbox" }), ["dep-b"], "deploymentType=sandbox");
    assert.deepEqual(await keys({ deploymentType: "production" }), ["dep-c"], "deploymentType=production");
    assert.deepEqual(await keys({ integrationTypes: ["erp"], sort: "key asc" }), ["dep-a"], "integrationTypes=erp");
    assert.deepEqual(await keys({ integrationTypes: ["crm"], sort: "key asc" }), ["dep-b", "dep-c"]);
    assert.deepEqual(
      await keys({ integrationTypes: ["erp", "crm"], sort: "key asc" }),
      ["dep-a", "dep-b", "dep-c"],
      "integrationTypes=erp&integrationTypes=crm",
    );
    assert.deepEqual(await keys({ integrationTypes: ["crm"], deploymentType: "production" }), ["dep-c"]);
    assert.deepEqual(await keys({ integrationTypes: ["tax"] }), [], "no match");
  },

  async "deployment-get-by-id"() {
    const staged = await previewable();
    const made = await deploy(stagedReference(staged));
    const response = await deployments().withId({ ID: made.id }).get().execute();
    assert.equal(response.statusCode, 200);
    const got = conforms(response.body, "Deployment");
    assert.equal(got.status, "Deployed", "the simulated build ran at once");
    assert.ok(got.version >= made.version, "the version never goes down");
    const kept = ["id", "key", "type", "preview", "deployedRegion", "connector", "applications", "globalConfiguration"];
    for (const field of kept) assert.deepEqual(got[field], made[field], field);
    assert.equal(got.details.build.id, made.details.build.id);
  },

  async "deployment-get-by-key"() {
    await published();
    const connector = (await api.connectors().withKey({ key: "erp-sync" }).get().execute()).body;
    const made = await deploy(reference(connector));
    const response = await deployments().withKey({ key: "dep-1" }).get().execute();
    assert.equal(response.statusCode, 200);
    const got = conforms(response.body, "Deployment");
    assert.equal(got.id, made.id);
    assert.equal(got.status, "Deployed");
    assertHoldsEveryValue(got);
  },

  async "deployment-update-by-id"() {
    const staged = await previewable();
    const before = await deployed(stagedReference(staged));
    const response = await deployments()
      .withId({ ID: before.id })
      .post({
        body: {
          version: before.version,
          actions: [
            {
              action: "redeploy",
              skipScripts: true,
              configurationValues: [
                {
                  applicationName: "service",
                  standardConfiguration: [{ key: "CTP_REGION", value: "us" }],
                  securedConfiguration: [{ key: "CTP_SECRET", value: "n3w-s3cret" }],
                },
              ],
              globalConfiguration: {
                standardConfiguration: [{ key: "SHOP_CURRENCY", value: "USD" }],
                securedConfiguration: [{ key: "SHOP_TOKEN", value: "n3w-t0ken" }],
              },
            },
          ],
        },
      })
      .execute();
    assert.equal(response.statusCode, 201, "POST /{projectKey}/deployments/{ID}");
    const after = conforms(response.body, "Deployment");
    assert.equal(after.version, before.version + 1);
    assert.equal(after.status, "Queued");
    assert.equal(after.details.build.report, undefined);
    // The application named is replaced; the one not named (job) keeps its values.
    assertHoldsEveryValue(after, { region: "us", currency: "USD" });
    assert.ok(!JSON.stringify(after).includes("n3w"), "a secured value in clear");
    const settled = await read(after);
    assert.equal(settled.status, "Deployed");
    assertHoldsEveryValue(settled, { region: "us", currency: "USD" });
  },

  async "deployment-update-by-key"() {
    const staged = await previewable();
    const before = await deployed(stagedReference(staged), { key: "prev-1" });
    const renamed = await update(staged, { action: "setName", name: "ERP sync 2" });
    const response = await deployments()
      .withKey({ key: "prev-1" })
      .post({ body: { version: before.version, actions: [{ action: "redeploy", updateConnector: true }] } })
      .execute();
    assert.equal(response.statusCode, 201, "POST /{projectKey}/deployments/key={key}");
    const after = conforms(response.body, "Deployment");
    assert.equal(after.version, before.version + 1);
    assert.equal(after.status, "Queued");
    assert.equal(after.connector.version, renamed.version, "updateConnector: the draft's current version");
    assert.equal(after.connector.name, "ERP sync 2");
    assertHoldsEveryValue(after); // no configurationValues: every value kept
    assert.equal((await read(after)).status, "Deployed");
  },

  async "deployment-delete-by-id"() {
    const staged = await previewable();
    const before = await deployed(stagedReference(staged));
    assert.equal(before.status, "Deployed");
    const response = await deployments().withId({ ID: before.id }).delete().execute();
    assert.equal(response.statusCode, 202, "DELETE /{projectKey}/deployments/{ID}");
    const deleting = conforms(response.body, "Deployment");
    assert.equal(deleting.id, before.id);
    assert.equal(deleting.status, "Undeploying");
    await failure(deployments().withId({ ID: before.id }).get(), {
      name: "NotFound",
      statusCode: 404,
      code: "ResourceNotFound",
    });
    assert.equal((await deployments().get().execute()).body.total, 0);
  },

  async "deployment-delete-by-key"() {
    const staged = await previewable();
    const failed = await deployed(stagedReference(staged), values({ region: null }));
    assert.equal(failed.status, "Failed", "no value for the required CTP_REGION");
    const entry = failed.details.build.report.entries[0];
    assert.deepEqual([entry.type, entry.title], ["Error", "Missing required configuration"]);
    assert.match(entry.message, /service/);
    assert.match(entry.message, /CTP_REGION/);
    const response = await deployments().withKey({ key: "dep-1" }).delete().execute();
    assert.equal(response.statusCode, 202, "DELETE /{projectKey}/deployments/key={key}");
    assert.equal(conforms(response.body, "Deployment").status, "Failed", "a Failed Deployment is gone at once");
    await failure(deployments().withKey({ key: "dep-1" }).get(), {
      name: "NotFound",
      statusCode: 404,
      code: "ResourceNotFound",
    });
  },

  async "deployment-logs-by-id"() {
    const staged = await previewable();
    const made = await deployed(stagedReference(staged));
    const logs = deployments().withId({ ID: made.id }).logs();
    const all = logPage(await logs.get().execute(), "GET /{projectKey}/deployments/{ID}/logs");
    assert.deepEqual(all.map((e) => e.applicationName).sort(), ["job", "service"], "one entry per application");
    for (const entry of all) assertStarted(entry, made, entry.applicationName);
    const job = logPage(await logs.get({ queryArgs: { applicationName: "job" } }).execute(), "applicationName=job");
    assert.equal(job.length, 1);
    assertStarted(job[0], made, "job");
  },

  async "deployment-logs-by-key"() {
    const staged = await previewable();
    const made = await deployed(stagedReference(staged), { key: "prev-1" });
    const logs = deployments().withKey({ key: "prev-1" }).logs();
    const now = await mockNow();
    const hour = 3600 * 1000;
    const around = {
      applicationName: "service",
      startDate: new Date(now.getTime() - hour).toISOString(),
      endDate: new Date(now.getTime() + hour).toISOString(),
    };
    const service = logPage(await logs.get({ queryArgs: around }).execute(), "GET .../key={key}/logs");
    assert.equal(service.length, 1);
    assertStarted(service[0], made, "service");
    const later = { ...around, startDate: new Date(now.getTime() + hour).toISOString(), endDate: undefined };
    assert.deepEqual(logPage(await logs.get({ queryArgs: later }).execute(), "startDate after the entries"), []);
  },

  async "deployment-error-404"() {
    const unknown = randomUUID();
    const expected = { name: "NotFound", statusCode: 404, code: "ResourceNotFound" };
    const redeploy = { body: { version: 1, actions: [{ action: "redeploy" }] } };
    for (const builder of [deployments().withId({ ID: unknown }), deployments().withKey({ key: "nothing-here" })]) {
      await failure(builder.get(), expected);
      await failure(builder.post(redeploy), expected);
      await failure(builder.delete(), expected);
      await failure(builder.logs().get(), expected);
    }
  },

  async "deployment-error-400"() {
    const staged = await previewable();
    await published({ key: "crm-sync", name: "CRM sync", integrationTypes: ["crm"] });
    const crm = (await api.connectors().withKey({ key: "crm-sync" }).get().execute()).body;
    const refused = (code) => ({ name: "BadRequest", statusCode: 400, code });
    const post = (connector, fields = {}) => deployments().post({ body: deploymentDraft(connector, fields) });

    const invalidType = await failure(
      post(stagedReference(staged), { type: "sandbox" }),
      refused("DeploymentInvalidType"),
    );
    assert.match(invalidType.body.errors[0].message, /Only 'preview' types are allowed/);
    await failure(post(reference(crm), { type: "preview" }), refused("DeploymentInvalidType"));
    const stale = await failure(
      post({ ...stagedReference(staged), version: staged.version - 1 }),
      refused("ConnectorReferenceNotFound"),
    );
    assert.equal(stale.body.errors[0].message, `Connector '${staged.id}' with version ${staged.version - 1} not found`);
    const unlisted = await previewable({ key: "unlisted", privateProjects: [] });
    await failure(post(stagedReference(unlisted)), refused("ConnectorReferenceNotFound"));
    const noCurrency = values();
    noCurrency.globalConfiguration.standardConfiguration = [];
    await failure(post(reference(crm), noCurrency), refused("DeploymentMissingGlobalConfigurationKey"));
    const unknownApp = values();
    unknownApp.configurations.push({ applicationName: "nothing", standardConfiguration: [], securedConfiguration: [] });
    await failure(post(reference(crm), unknownApp), refused("DeploymentUnknownApplicationConfiguration"));
    assert.equal((await deployments().get().execute()).body.total, 0, "nothing created");

    await deploy(reference(crm));
    await failure(post(reference(crm)), refused("DuplicateField"));
    await failure(
      deployments().withKey({ key: "dep-1" }).logs().get({ queryArgs: { applicationName: "nothing" } }),
      refused("DeploymentApplicationDoesNotExist"),
    );
    await failure(deployments().get({ queryArgs: { deploymentType: "staging" } }), refused("InvalidQueryParam"));
    await failure(deployments().post({ body: { region: REGION } }), refused("InvalidJsonInput"));
  },

  async "deployment-error-409"() {
    const staged = await previewable();
    const made = await deploy(stagedReference(staged));
    const current = await read(made);
    const redeploy = { body: { version: current.version, actions: [{ action: "redeploy" }] } };
    const redeployed = await deployments().withId({ ID: made.id }).post(redeploy).execute();
    assert.equal(redeployed.statusCode, 201);
    const settled = await read(redeployed.body);
    const error = await failure(deployments().withId({ ID: made.id }).post(redeploy), {
      name: "ConcurrentModification",
      statusCode: 409,
      code: "ConcurrentModification",
    });
    assert.equal(error.body.errors[0].expectedVersion, current.version);
    assert.equal(error.body.errors[0].currentVersion, settled.version);
    assert.deepEqual(await read(made), settled, "the stale redeploy changed nothing");
  },

  async "correlation-id"() {
    const response = await api.connectors().drafts().get().execute();
    assert.equal(response.statusCode, 200);
    const sent = sentCorrelationIds[sentCorrelationIds.length - 1];
    assert.equal(response.headers["x-correlation-id"], sent, "the response echoes the request's X-Correlation-ID");
  },
};

async function main() {
  if (process.argv[2] === "--list") {
    process.stdout.write(`${Object.keys(SCENARIOS).join("\n")}\n`);
    return;
  }
  const scenario = SCENARIOS[scenarioName];
  if (!baseUri || !scenario) {
    process.stderr.write(`usage: node sdk_scenarios.cjs BASE_URL SCENARIO (one of: ${Object.keys(SCENARIOS).join(", ")})\n`);
    process.exitCode = 2;
    return;
  }
  await scenario();
  process.stdout.write(`${scenarioName}: ok\n`);
}

// What went wrong, in a few lines: an assertion with its diff, or the request the client sent
// and the ErrorResponse it got.
function describe(error) {
  if (error instanceof assert.AssertionError) return error.stack;
  if (error && error.statusCode !== undefined && error.body !== undefined) {
    const request = error.originalRequest || {};
    return `${error.name} (${error.statusCode}) for ${request.method} ${request.uri}: ${JSON.stringify(error.body)}`;
  }
  if (error && error.error instanceof Error) return error.error.stack; // ts-client's network failure
  return error && error.stack ? error.stack : JSON.stringify(error);
}

main().catch((error) => {
  process.stderr.write(`${scenarioName}: ${describe(error)}\n`);
  process.exitCode = 1;
});

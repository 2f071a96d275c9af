// MongoDB TTL indexes: run with `mongosh "$MONGODB_URI" stores/mongodb.js`.
//
// Idempotent: an index of this policy (name starting `policyc:<policy>:`) is left alone when it already
// matches, changed in place with `collMod` when only expireAfterSeconds differs, and dropped and
// recreated when its key or partial filter differs (collMod cannot change those).
//
// Deletion lag: the TTL monitor runs about every 60 seconds and deletes in batches, so a
// document is normally gone within a minute or two after its end (longer on a loaded server,
// and never on a secondary: deletes replicate from the primary).
//
// Legal hold: every index has the partial filter `legalHold: false`. EVERY write must set
// `legalHold` (false, or true while a document is held): a document without the field never
// matches the filter and would never expire.
//
// Event-based and calendar-month rules expire on `purge_at`, the instant the application
// computes with the policy's semantics (policyc::semantics::expiry) when it writes the
// document or when the event happens; documents without `purge_at` are kept.
// Policy tencent_im 1.0.0.

const policycTtlIndexes = [
  // log_data: 7 days, tolerance 1 day.
  // 7 days after `requested_at`; deleted within about 60 s (monitor interval) after that.
  {
    collection: "im_log_data",
    name: "policyc:tencent_im:ttl:log_data",
    key: { "requested_at": 1 },
    expireAfterSeconds: 604800,
    partialFilterExpression: { "legalHold": false },
  },
  // monitoring_data: 2 days, tolerance 1 hour.
  // 2 days after `measured_at`; deleted within about 60 s (monitor interval) after that.
  {
    collection: "im_monitoring_data",
    name: "policyc:tencent_im:ttl:monitoring_data",
    key: { "measured_at": 1 },
    expireAfterSeconds: 172800,
    partialFilterExpression: { "legalHold": false },
  },
  // configuration_data: 2 months after termination.
  // At `purge_at` (exact end computed by the application); worst case about 60 s after it.
  {
    collection: "im_configuration_data",
    name: "policyc:tencent_im:ttl:configuration_data",
    key: { "purge_at": 1 },
    expireAfterSeconds: 0,
    partialFilterExpression: { "legalHold": false, "purge_at": { $exists: true } },
  },
];

function policycEnsureTtlIndex(spec) {
  const coll = db.getCollection(spec.collection);
  let existing = [];
  try {
    existing = coll.getIndexes();
  } catch (e) {
    // A collection that does not exist yet has no indexes; createIndex creates it.
    if (e.code !== 26) throw e;
  }
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const ours = existing.find((ix) => ix.name === spec.name);
  const options = {
    name: spec.name,
    expireAfterSeconds: spec.expireAfterSeconds,
    partialFilterExpression: spec.partialFilterExpression,
  };
  if (ours) {
    if (same(ours.key, spec.key) && same(ours.partialFilterExpression, spec.partialFilterExpression)) {
      if (ours.expireAfterSeconds === spec.expireAfterSeconds) {
        print(`${spec.collection}.${spec.name}: up to date`);
        return;
      }
      db.runCommand({ collMod: spec.collection, index: { name: spec.name, expireAfterSeconds: spec.expireAfterSeconds } });
      print(`${spec.collection}.${spec.name}: expireAfterSeconds set to ${spec.expireAfterSeconds}`);
      return;
    }
    coll.dropIndex(spec.name);
    print(`${spec.collection}.${spec.name}: dropped (key or partial filter changed)`);
  }
  const clash = existing.find((ix) => ix.name !== spec.name && same(ix.key, spec.key));
  if (clash) {
    print(`${spec.collection}: index ${clash.name} has the same key; not touched, create ${spec.name} by hand`);
    policycFailed = true;
    return;
  }
  coll.createIndex(spec.key, options);
  print(`${spec.collection}.${spec.name}: created`);
}

let policycFailed = false;
for (const spec of policycTtlIndexes) {
  policycEnsureTtlIndex(spec);
}
if (policycFailed) {
  throw new Error("some TTL indexes could not be created; see above");
}

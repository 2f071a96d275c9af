// Runs the generated mongosh script against an in-memory stand-in of mongosh's `db` (only the
// calls the script makes), to check its idempotency logic. Usage:
//   node mongo_harness.js SCRIPT STATE_IN STATE_OUT
// STATE is a JSON object: collection -> list of indexes as getIndexes() returns them.
// Prints each line the script prints, then `calls: …` listing the mutating calls.
"use strict";
const fs = require("fs");
const vm = require("vm");
const [script, stateIn, stateOut] = process.argv.slice(2);
const state = stateIn === "-" ? {} : JSON.parse(fs.readFileSync(stateIn, "utf8"));
const calls = [];
const clone = (v) => JSON.parse(JSON.stringify(v));
const db = {
  getCollection(name) {
    const ixs = () => state[name];
    return {
      getIndexes() {
        // As the server does for a collection that does not exist.
        if (!ixs()) throw Object.assign(new Error("ns does not exist"), { code: 26 });
        return clone(ixs());
      },
      createIndex(key, options) {
        state[name] = state[name] || [{ v: 2, key: { _id: 1 }, name: "_id_" }];
        if (ixs().some((ix) => ix.name === options.name)) throw new Error("IndexOptionsConflict");
        calls.push(`create ${name}.${options.name}`);
        ixs().push(Object.assign({ v: 2, key: clone(key) }, clone(options)));
      },
      dropIndex(ixName) {
        const i = ixs().findIndex((ix) => ix.name === ixName);
        if (i < 0) throw new Error("IndexNotFound");
        calls.push(`drop ${name}.${ixName}`);
        ixs().splice(i, 1);
      },
    };
  },
  runCommand(cmd) {
    if (!cmd.collMod) throw new Error("unexpected command " + JSON.stringify(cmd));
    const ix = (state[cmd.collMod] || []).find((i) => i.name === cmd.index.name);
    if (!ix) throw new Error("IndexNotFound");
    calls.push(`collMod ${cmd.collMod}.${cmd.index.name}=${cmd.index.expireAfterSeconds}`);
    ix.expireAfterSeconds = cmd.index.expireAfterSeconds;
    return { ok: 1 };
  },
};
const context = vm.createContext({ db, print: (s) => console.log(s) });
vm.runInContext(fs.readFileSync(script, "utf8"), context, { filename: script });
fs.writeFileSync(stateOut, JSON.stringify(state, null, 2));
console.log("calls: " + calls.join("; "));

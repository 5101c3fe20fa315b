// Checks Kubernetes manifests against the Kubernetes API schemas of kubernetes-models.
// Usage: node validate.mjs FILE... ; exits 1 naming each object that does not validate.
// Objects of custom resources (kinds kubernetes-models does not know, such as SPIRE's
// ClusterSPIFFEID) are listed as not checked; they are checked by DeployManifestsTest.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

let failures = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      console.log(`${file}: YAML error: ${doc.errors[0].message}`);
      failures++;
      continue;
    }
    const obj = doc.toJS();
    if (obj == null) continue;
    const where = `${file}: ${obj.kind} ${obj.metadata?.name ?? "(no name)"}`;
    let model;
    try {
      model = await import(`kubernetes-models/${obj.apiVersion}/${obj.kind}`);
    } catch (e) {
      console.log(`${where}: not checked (no schema for ${obj.apiVersion} ${obj.kind})`);
      continue;
    }
    try {
      new model[obj.kind](obj).validate();
      checked++;
      console.log(`${where}: valid`);
    } catch (e) {
      failures++;
      console.log(`${where}: INVALID: ${e.message}`);
    }
  }
}
console.log(`${checked} objects valid, ${failures} failures`);
process.exit(failures > 0 || checked === 0 ? 1 : 0);

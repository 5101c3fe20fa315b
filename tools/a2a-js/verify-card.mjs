// Verifies a signed A2A 1.0 agent card with the official JavaScript SDK's own verifier
// (verifyAgentCardSignature: JWS over its JCS canonicalization of the card). The public key is
// the one of the certificate in the signature's x5c header. Usage: node verify-card.mjs CARD.json
// Prints "VERIFIED" and exits 0, or prints why not and exits 1.
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import * as jose from 'jose';
import { verifyAgentCardSignature } from 'a2a-sdk-10';

const card = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const x5c = jose.decodeProtectedHeader(card.signatures[0]).x5c;
const leaf = new X509Certificate(Buffer.from(x5c[0], 'base64'));
const verify = verifyAgentCardSignature(async () => leaf.publicKey);
try {
  await verify(card);
  console.log('VERIFIED');
} catch (e) {
  console.log('NOT VERIFIED: ' + e.message);
  process.exit(1);
}

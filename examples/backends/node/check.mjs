// Prints the identity in the token given as the first argument, or why it was refused (exit code 1).
import { verifyIdentity } from './identity.mjs';

try {
  console.log(JSON.stringify(await verifyIdentity(process.argv[2] ?? '')));
} catch (error) {
  console.error(`rejected: ${error.code ?? error.message}`);
  process.exit(1);
}

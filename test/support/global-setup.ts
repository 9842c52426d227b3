import { ensureCertificate } from '../../emulator/tls.js';

/** The emulator's certificate exists before any worker starts, so node's pg can trust it. */
export default async function setup(): Promise<void> {
  const { certFile } = await ensureCertificate();
  process.env.NODE_EXTRA_CA_CERTS = certFile;
}

import { readRelayAddress } from '../shared/relay-address';
import { ConfigError } from './config';
import { type ImagePrices, imagePrices } from './image-prices';
import { MAX_MONTHLY_IMAGES } from './monthly-budget';

/** Long enough that guessing it is hopeless even without the wait after five wrong tries. */
export const MIN_ADMIN_TOKEN_CHARS = 16;

/** What the team admin sets: the admin page, the default monthly budget, the public address and prices. */
export interface TeamConfig {
  /** ADMIN_TOKEN: set, the relay serves /admin; unset, it has no such route. */
  adminToken?: string;
  /** MONTHLY_IMAGES_PER_TOKEN: the cap of everyone without one of their own; unset, no cap. */
  monthlyImagesPerToken?: number;
  /** PUBLIC_URL's origin: the relay as designers reach it, for connection codes. */
  publicOrigin?: string;
  prices?: ImagePrices;
}

/** PUBLIC_URL as an origin, undefined when unset; one that is not an address says what it must be. */
export function publicOrigin(env: NodeJS.ProcessEnv): string | undefined {
  const text = env.PUBLIC_URL?.trim();
  if (!text) return undefined;
  const address = readRelayAddress(text, { localhostAllowed: true });
  if ('problem' in address) throw new ConfigError(`PUBLIC_URL must be this relay's address as designers reach it, such as https://relay.example.com: ${address.problem}.`);
  return address.origin;
}

export function teamConfig(env: NodeJS.ProcessEnv): TeamConfig {
  const adminToken = env.ADMIN_TOKEN?.trim() || undefined;
  if (adminToken !== undefined && adminToken.length < MIN_ADMIN_TOKEN_CHARS) {
    throw new ConfigError(`ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_CHARS} characters; it has ${adminToken.length}. Make one with: openssl rand -base64 24`);
  }
  const cap = env.MONTHLY_IMAGES_PER_TOKEN?.trim();
  if (cap && !(/^\d+$/.test(cap) && Number(cap) <= MAX_MONTHLY_IMAGES)) {
    throw new ConfigError(`MONTHLY_IMAGES_PER_TOKEN must be a whole number of images from 0 to ${MAX_MONTHLY_IMAGES}, or unset for no cap; it is "${cap}".`);
  }
  return { adminToken, monthlyImagesPerToken: cap ? Number(cap) : undefined, publicOrigin: publicOrigin(env), prices: imagePrices(env) };
}

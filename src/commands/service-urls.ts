import type { RunContext } from '../context.js';
import * as log from '../log.js';
import type { Branch } from '../neon/api.js';
import { dataApiUrl, neonAuthUrl, type ServiceUrl } from '../neon/service-urls.js';
import { own, t } from '../text.js';

/** `auth_url` and `data_api_url`: undefined when not asked for, '' when the service is not enabled on the branch. */
export interface ServiceUrls {
  authUrl?: string;
  dataApiUrl?: string;
}

function shown(result: ServiceUrl, notEnabled: () => void): string {
  if ('url' in result) return result.url;
  notEnabled();
  return '';
}

/**
 * The URLs get_auth_url and get_data_api_url ask for, both at once. A service that is not enabled
 * (404) gives an empty output and a notice, never a failure: the database itself is ready.
 */
export async function serviceUrls(ctx: RunContext, branch: Pick<Branch, 'id' | 'name'>): Promise<ServiceUrls> {
  const { inputs, api } = ctx;
  const [auth, dataApi] = await Promise.all([
    inputs.getAuthUrl ? neonAuthUrl(api, branch.id) : undefined,
    inputs.getDataApiUrl ? dataApiUrl(api, branch.id, inputs.database) : undefined,
  ]);
  const because = (r: ServiceUrl) => ('notEnabled' in r && r.notEnabled ? t` (Neon said: ${r.notEnabled})` : own(''));
  return {
    ...(auth
      ? {
          authUrl: shown(auth, () =>
            log.notice(t`get_auth_url: Neon Auth is not enabled on branch ${branch.name}${because(auth)}, so auth_url is empty. Enable Neon Auth on the parent branch before the preview is created (a branch made after inherits it), or on this branch.`),
          ),
        }
      : {}),
    ...(dataApi
      ? {
          dataApiUrl: shown(dataApi, () =>
            log.notice(t`get_data_api_url: the Data API is not enabled for database ${inputs.database} on branch ${branch.name}${because(dataApi)}, so data_api_url is empty. Enable it on this branch (each branch needs its own), for example with neonctl data-api.`),
          ),
        }
      : {}),
  };
}

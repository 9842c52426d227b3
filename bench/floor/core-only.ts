// The cold-start floor of any action built on @actions/core v3: it loads @actions/http-client and
// with it all of undici. The benchmark bundles this the way the action is bundled and times it.
import * as core from '@actions/core';

core.getInput('api_key');

import { quote, type Site } from '@lifeboat/core';
import { RCLONE_CODES } from '../tools/rclone/codes.js';
import { lsjson } from '../tools/rclone/rclone.js';
import { type Finding, finding, missingVariables, redact, setVariables } from './findings.js';

// Every offsite remote of the site: its rclone settings present in the runner's environment, and its path
// listable (one level, `lsjson` without recursion) within a short time.

export interface RemoteCheckOptions {
  site: Site;
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs: number;
  rcloneBinary?: string;
}

export const checkRemotes = async (o: RemoteCheckOptions): Promise<Finding[]> => {
  const remotes = o.site.spec.offsite ?? [];
  if (remotes.length === 0) return [finding('remote', 'offsite', 'ok', 'the site has no offsite remotes')];
  return Promise.all(
    remotes.map(async (r): Promise<Finding> => {
      const subject = r.name;
      const spec = `${r.remote}:${r.path}`;
      const absent = missingVariables(r.envFrom ?? [], o.env);
      if (absent.length > 0)
        return finding(
          'remote',
          subject,
          'fail',
          `${quote(spec)}: settings not set on this runner: ${absent.join(', ')}`,
          {
            fix: setVariables(absent),
            details: { missingVariables: absent },
          },
        );
      const env: Record<string, string> = {};
      for (const name of r.envFrom ?? []) env[name] = o.env[name] as string;
      const listed = await lsjson(spec, {
        env,
        timeoutMs: o.timeoutMs,
        ...(o.rcloneBinary === undefined ? {} : { binary: o.rcloneBinary }),
      });
      if (listed.outcome === 'ok')
        return finding(
          'remote',
          subject,
          'ok',
          `${quote(spec)} lists ${listed.value.length} entr${listed.value.length === 1 ? 'y' : 'ies'} (rclone ${listed.version})`,
        );
      const error = listed.error;
      if (error.code === 'rclone.directory-not-found')
        return finding(
          'remote',
          subject,
          'warn',
          `${quote(spec)} does not exist yet; the first sync creates it`,
          {
            fix: 'nothing, if no sync ran yet; otherwise check the remote path',
          },
        );
      return finding(
        'remote',
        subject,
        'fail',
        `${quote(spec)}: ${redact(error.message, Object.values(env))}`,
        {
          fix:
            error.code === 'rclone.remote-unknown'
              ? `define remote ${quote(r.remote)} through RCLONE_CONFIG_${r.remote.toUpperCase()}_TYPE and its other settings in the runner's environment (list them in the site's envFrom)`
              : ((RCLONE_CODES as Record<string, { fix: string }>)[error.code]?.fix ??
                'run rclone lsjson by hand on the runner to see more'),
          details: { code: error.code },
        },
      );
    }),
  );
};

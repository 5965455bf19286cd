import type { Domain } from '../api/domains';

/**
 * What a person must do before a domain serves links, in the order they do it. The host to
 * point at is the one this dashboard is served from: the same deployment answers the check.
 */
export function DomainSetup({ domain }: { domain: Domain }) {
  return (
    <div class="notice setup">
      <p><strong>To verify {domain.hostname}:</strong></p>
      <ol>
        <li>At your DNS provider, add a <strong>CNAME</strong> record for <code class="wrap">{domain.hostname}</code> pointing
          at <code class="wrap">{location.hostname}</code> (for a bare domain that cannot have a CNAME, an <strong>A</strong> record
          with this deployment's IP address).</li>
        <li>Linktally then fetches <code class="wrap">{domain.verification_url}</code>; once that request reaches this deployment,
          the domain becomes active and its links work.</li>
        <li>It checks again on its own for about 20 minutes while DNS spreads. Once the record is in place, <strong>Check now</strong> tries at once.</li>
      </ol>
    </div>
  );
}

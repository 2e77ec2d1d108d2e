/**
 * Turning a vision request's {@code image_url} into image bytes for engines that take inline images only:
 * {@link ai.aideon.providers.fetch.DataUri} decodes {@code data:} URIs, {@link ai.aideon.providers.fetch.SafeFetcher}
 * fetches http(s) URLs without letting them reach loopback, private, link-local/metadata or other special
 * addresses ({@link ai.aideon.providers.fetch.AddressPolicy}), before or after redirects.
 */
package ai.aideon.providers.fetch;

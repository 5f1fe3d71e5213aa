/**
 * The webhook firewall's host-independent core: provider signature verification, Meta's subscription
 * handshake, and the configuration that selects them.
 *
 * <p>Entry point: {@link dev.bulwark.core.webhook.WebhookVerifiers#create(WebhookConfig, dev.bulwark.core.config.Mode)}
 * validates a {@link dev.bulwark.core.webhook.WebhookConfig} and returns a
 * {@link dev.bulwark.core.webhook.CompiledWebhook}: a thread-safe
 * {@link dev.bulwark.core.webhook.WebhookVerifier} over {@code (headers, raw body, now)}, the idempotency key
 * source, and the Meta handshake when verify tokens are configured. A refused delivery becomes one problem
 * response and one security event through {@link dev.bulwark.core.webhook.WebhookRefusal}. De-duplication uses
 * {@link dev.bulwark.api.store.IdempotencyStore} (see {@code dev.bulwark.core.idempotency}).
 *
 * <h2>Presets</h2>
 * <table>
 *   <caption>What each preset checks</caption>
 *   <tr><th>preset</th><th>headers</th><th>signed content</th><th>default idempotency key</th></tr>
 *   <tr><td>{@code meta}</td><td>{@code X-Hub-Signature-256: sha256=<hex>}</td><td>body</td>
 *       <td>{@code $.entry[0].changes[0].value.messages[0].id}</td></tr>
 *   <tr><td>{@code github}</td><td>{@code X-Hub-Signature-256: sha256=<hex>}</td><td>body</td>
 *       <td>{@code X-GitHub-Delivery}</td></tr>
 *   <tr><td>{@code telegram}</td><td>{@code X-Telegram-Bot-Api-Secret-Token}</td><td>(token)</td>
 *       <td>{@code $.update_id}</td></tr>
 *   <tr><td>{@code apikey}</td><td>the configured header</td><td>(token)</td><td>none</td></tr>
 *   <tr><td>{@code standard-webhooks}</td><td>{@code webhook-id}, {@code webhook-timestamp},
 *       {@code webhook-signature: v1,<b64> v1a,<b64>}</td><td>{@code id.timestamp.body}</td>
 *       <td>{@code webhook-id}</td></tr>
 *   <tr><td>{@code stripe}</td><td>{@code Stripe-Signature: t=..,v1=<hex>}</td><td>{@code t.body}</td>
 *       <td>{@code $.id}</td></tr>
 *   <tr><td>{@code slack}</td><td>{@code X-Slack-Signature: v0=<hex>}, {@code X-Slack-Request-Timestamp}</td>
 *       <td>{@code v0:timestamp:body}</td><td>{@code $.event_id}</td></tr>
 *   <tr><td>{@code hmac}</td><td>configured</td><td>configured template</td><td>none</td></tr>
 * </table>
 * Timestamped schemes accept 5 minutes either way unless {@code tolerance} says otherwise. Token presets
 * refuse with 403 ({@code webhook-credential-invalid}), signature presets with 401
 * ({@code webhook-signature-invalid}); the detail never says which part failed.
 *
 * <h2>YAML shape</h2>
 * The loader maps a route's {@code webhook} block to {@link dev.bulwark.core.webhook.WebhookConfig}, choosing
 * the {@link dev.bulwark.core.webhook.VerifierConfig} record by {@code preset}; unknown keys are errors, and
 * {@link dev.bulwark.core.webhook.WebhookVerifiers#problems} reports paths relative to the block (the loader
 * prefixes {@code routes[i].webhook.}).
 * <pre>{@code
 * routes:
 *   - id: whatsapp
 *     match: { path: "/api/webhooks/whatsapp/{merchantId}" }
 *     upstream: app
 *     webhook:
 *       preset: meta
 *       secrets: ["${META_APP_SECRET}", "${META_APP_SECRET_PREVIOUS:-}"]   # all accepted: rotation
 *       verifyTokens: ["${META_VERIFY_TOKEN}"]
 *       idempotency: { key: "$.entry[0].changes[0].value.messages[0].id", ttl: 24h }
 *   - id: telegram
 *     match: { path: "/api/webhooks/telegram/{channelId}" }
 *     upstream: app
 *     webhook: { preset: telegram, secrets: ["${TELEGRAM_WEBHOOK_SECRET}"] }   # key defaults to $.update_id
 *   - id: evolution
 *     match: { path: "/api/webhooks/evolution/{instance}" }
 *     upstream: app
 *     webhook:
 *       preset: apikey
 *       header: x-evolution-apikey
 *       secrets: ["${EVOLUTION_APIKEY}"]
 *       idempotency: { key: "$.data.key.id" }
 *   - id: billing
 *     match: { path: "/api/webhooks/billing" }
 *     upstream: app
 *     webhook: { preset: standard-webhooks, secrets: ["${BILLING_WHSEC}"], tolerance: 5m }
 *   - id: partner
 *     match: { path: "/api/webhooks/partner" }
 *     upstream: app
 *     webhook:
 *       preset: hmac
 *       provider: partner            # metrics label
 *       header: X-Partner-Signature
 *       algorithm: SHA512            # or SHA256
 *       encoding: BASE64             # or HEX
 *       prefix: "sha512="
 *       signedContent: "{timestamp}.{body}"   # {body} once; {timestamp}, {id} optional
 *       timestampHeader: X-Partner-Timestamp
 *       timestampUnit: MILLISECONDS  # or SECONDS
 *       tolerance: 5m
 *       idempotency: { key: X-Partner-Delivery, ttl: 48h }
 * }</pre>
 * {@code idempotency: {enabled: false}} turns de-duplication off; omitting the block uses the preset default.
 */
package dev.bulwark.core.webhook;

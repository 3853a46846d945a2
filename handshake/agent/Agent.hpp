// The handshake agent: plugs into any OpenSSL server context and, at
// ClientHello time, picks the certificate to present from an in-memory index
// of the store (cf. certmagic's handshake.go / cache.go).
//
// - ALPN offers "acme-tls/1": serve the RFC 8737 challenge certificate for the
//   SNI (reverse-DNS SNI of RFC 8738 §6 maps back to the IP) and select
//   acme-tls/1; with no pending challenge the handshake fails. Never a leaf.
// - Otherwise: normalized SNI, exact match, then a wildcard replacing one
//   left-most label (RFC 6125 §6.4.3); without SNI the local IP, then
//   `default_name`. Among candidates: supported key type and currently valid,
//   then supported but expired/not yet valid, then the first.
//
// The handshake path never touches the network. A watcher thread reads the
// store and swaps an immutable snapshot of names and metadata atomically (a
// compact index: no PEM, ~60-70 bytes per name). Parsed chains and keys live
// in a bounded cache keyed by certificate id (max_parsed_certificates, CLOCK
// eviction); a miss reads that one row by id (one indexed read, through
// PemSource's own connections) and parses it on the handshake's thread.
// Concurrent misses for one id share one load; other handshakes never wait
// on it. Rows that fail to load are skipped (bounded negative cache).
// With pause_on_miss, a miss does not load on the handshake's thread: the
// ClientHello callback starts the load on the agent's loader threads and
// returns SSL_CLIENT_HELLO_RETRY; the host resumes the handshake once
// when_loaded's callback has run (at most one pause per connection).
// nginx cannot do that: ngx_ssl_handshake treats SSL_ERROR_WANT_CLIENT_HELLO_CB
// as an error, so its module leaves pause_on_miss off and loads inline.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace certa::storage {
class Store;
}

namespace certa::handshake {

struct AgentOptions {
    // Served when the SNI is missing (and the local IP has no certificate) or unknown.
    // Empty: unknown names fail with the unrecognized_name alert.
    std::string default_name;
    // How often the watcher asks the store whether anything changed (cheap when idle).
    std::chrono::milliseconds poll_interval{100};
    // Start the background reload thread. Without it, call refresh() yourself.
    bool watch = true;
    // Parse certificates' chains and keys ahead of their first handshake (until
    // the cache holds max_parsed_certificates), in a
    // background thread at the lowest CPU priority (nice 19), so that the steady
    // state is warm without taking CPU from handshakes; a handshake that comes
    // first parses its certificate itself (as with preparse off). Open stays
    // fast either way; handshakes never wait for this. Needs `watch`.
    bool preparse = true;
    // At most this many certificates held parsed (0: no limit); `certa serve
    // --cache-size`. A parsed P-256 certificate costs ~5 KB (X509 sharing the
    // private key's EVP_PKEY ~2.3 KB, private key ~2.3 KB). When the cache is
    // full, a new certificate replaces one not used since the clock hand last
    // passed it (CLOCK); a handshake on a certificate not held reads its row
    // by id and parses it (~0.5 ms on SQLite with one intermediate). The default keeps
    // every certificate of a store of up to 100k parsed, as before.
    std::size_t max_parsed_certificates = 100000;
    // Certificate ids whose row failed to load or parse, remembered (and
    // skipped by handshakes) for a minute: at most this many (oldest go first).
    std::size_t negative_cache_size = 4096;
    // Where a handshake misses the parsed cache, load the row on the agent's
    // loader threads instead of on the handshake's thread: the ClientHello
    // callback returns SSL_CLIENT_HELLO_RETRY, SSL_do_handshake then fails with
    // SSL_ERROR_WANT_CLIENT_HELLO_CB, and the host calls Agent::when_loaded(ssl, ready)
    // and calls SSL_do_handshake again once `ready` has run. For hosts with an
    // event loop that do that (`certa serve`); off: the miss loads on the handshake's thread.
    bool pause_on_miss = false;
    // Threads that run those loads (pause_on_miss only).
    std::size_t loader_threads = 2;
    // Told about a row that fails to load or parse on a miss (once per id per
    // minute, at most 10 reports a minute; then a count of those left out).
    // Called on a handshake thread: keep it short. Never given key material.
    std::function<void(std::int64_t certificate_id, const std::string& message)> on_load_error;
    // ALPN protocols (server preference order) negotiated on ordinary (non
    // challenge) handshakes, e.g. {"h2", "http/1.1"}. Empty: no ALPN is selected.
    std::vector<std::string> alpn;
    // When the name is unknown and there is no default_name, leave the context's
    // own certificate in place instead of failing the handshake.
    bool fallback_to_context_certificate = false;
    // Open the store read-only (Agent::open by location, and the PEM
    // connection): nothing is written, no file mode is changed. For a server
    // whose workers may read but not write the store (nginx's www-data).
    bool read_only = false;
    // Reports what this agent serves (`certa serve` writes its serving_agents
    // row: ServeDaemon::report_to_store). Called on the watcher thread, never
    // from a handshake (needs `watch`), with the agent's own store and the
    // served generation: once the watcher starts, after each reload that
    // changed the generation, and at least every `loaded_beat` otherwise.
    // Whatever it throws is ignored: serving goes on.
    std::function<void(storage::Store& store, std::int64_t generation)> on_loaded;
    std::chrono::milliseconds loaded_beat{10000};
    // Called once as the agent is destroyed, after its threads stopped, with
    // its store (e.g. to remove that row). Whatever it throws is ignored.
    std::function<void(storage::Store& store)> on_close;
    // Maintenance at handshake time (MaintenanceQueue): a served certificate
    // past its renewal time asks the store for a renewal, a stale staple for
    // an OCSP refresh, at most once per certificate per interval, written by
    // the watcher thread (needs `watch`, or refresh() calls). 0 turns it off;
    // a read-only agent never writes (its hosts rely on `certa worker`).
    std::chrono::seconds maintenance_interval{600};
};

// What the ClientHello callback decided for one connection (for daemons and logs).
struct Selection {
    enum class Kind {
        None,        // nothing selected (handshake failed or the context's own cert)
        Challenge,   // an RFC 8737 tls-alpn-01 challenge certificate
        Leaf,        // a certificate from the store for the requested name
        Default,     // the default_name certificate (SNI missing or unknown)
    };
    Kind kind = Kind::None;
    std::string server_name;        // normalized SNI ("" when absent or invalid)
    std::string matched_name;       // the index name that matched (e.g. "*.example.com")
    std::int64_t certificate_id = 0;  // store row id of the leaf (0 for challenges / none)
    bool acme_tls_offered = false;
};

struct AgentStats {
    std::uint64_t handshakes = 0;       // ClientHello callbacks run
    std::uint64_t challenges = 0;       // challenge certificates served
    std::uint64_t leaves = 0;           // leaves (including default) served
    std::uint64_t failures = 0;         // ClientHellos refused: the three below together
    std::uint64_t unknown_name = 0;     //   no certificate for the name (and no default)
    std::uint64_t no_challenge = 0;     //   acme-tls/1 offered, no pending challenge for the name
    std::uint64_t refused_other = 0;    //   anything else (a certificate that could not be set)
    std::uint64_t reloads = 0;          // snapshots swapped in
    std::uint64_t reload_errors = 0;    // store reads that failed (the old snapshot stays)
    std::uint64_t preparsed = 0;        // certificates visited by the background pre-parse (options.preparse)
    std::uint64_t preparse_backlog = 0; // certificates still waiting for that
    std::uint64_t parsed = 0;           // certificates holding parsed material now (<= max_parsed_certificates)
    std::uint64_t evictions = 0;        // parsed material dropped for max_parsed_certificates
    std::uint64_t cache_hits = 0;       // handshakes that found their certificate parsed
    std::uint64_t cache_misses = 0;     // handshakes that did not (each loads, waits on a load, pauses, or skips a bad row)
    std::uint64_t store_reads = 0;      // rows read by id for a miss or the pre-parse (one per load)
    std::uint64_t shared_loads = 0;     // misses that waited for another handshake's load of the same id
    std::uint64_t load_failures = 0;    // loads whose row was gone, broken, or unreadable
    std::uint64_t paused = 0;           // handshakes that paused for a load on a loader thread (pause_on_miss)
    std::uint64_t negative_cached = 0;  // ids held in the negative cache now
    std::uint64_t index_names = 0;      // (name, certificate) pairs in the served index
    std::uint64_t index_bytes = 0;      // heap bytes of the served index
    std::uint64_t ocsp_stapled = 0;     // handshakes that got an OCSP staple (client sent status_request)
    std::uint64_t ocsp_expired = 0;     // status requests whose stored response had expired (not stapled)
    std::uint64_t maintenance_queued = 0;   // renewal / OCSP refresh requests queued at handshake time
    std::uint64_t maintenance_written = 0;  // of those, requests that changed the store
    // When a reload (refresh()) last read the store successfully: the snapshot
    // then held the store's newest generation. The clock's epoch: never.
    std::chrono::steady_clock::time_point last_sync{};
};

class Agent {
public:
    // Opens its OWN Store connection on `store_location`, loads the index and
    // (options.watch) starts the watcher. Throws storage::StoreError when the
    // store cannot be opened or read.
    static std::unique_ptr<Agent> open(const std::string& store_location, AgentOptions options = {});
    // Same, over a store the caller opened. The agent takes it over; it is only
    // used from the watcher thread / refresh().
    static std::unique_ptr<Agent> open(std::unique_ptr<storage::Store> store, AgentOptions options = {});

    virtual ~Agent() = default;
    Agent(const Agent&) = delete;
    Agent& operator=(const Agent&) = delete;

    // Installs the ClientHello callback and the ALPN select callback into an
    // OpenSSL server context (replacing any it had), and OCSP stapling
    // (attach_stapling). The agent must outlive every SSL created from `ctx`.
    virtual void attach(SSL_CTX* ctx) = 0;
    // Installs only the OCSP status callback (RFC 6066 §8): a client that sends
    // status_request gets the stored response of the leaf the agent set on its
    // SSL, when that response is "good" for this certificate and not expired.
    // For hosts using select_for_host (their own status callback, e.g. nginx's
    // ssl_stapling, must be off for that context).
    virtual void attach_stapling(SSL_CTX* ctx) = 0;

    // Picks up store changes now (the watcher does it every poll_interval).
    // Throws storage::StoreError when the store cannot be read.
    virtual void refresh() = 0;

    // Active certificates in the served snapshot.
    virtual std::size_t certificate_count() const = 0;
    // Pending tls-alpn-01 challenges in the served snapshot.
    virtual std::size_t challenge_count() const = 0;
    // Store generation of the served snapshot.
    virtual std::int64_t generation() const = 0;
    virtual AgentStats stats() const = 0;
    // Message of the last failed background reload ("" when the last one worked).
    virtual std::string last_reload_error() const = 0;

    // Validity of the newest certificate the served snapshot holds for the
    // normalized `name` (exact, then its one-label wildcard); nullopt when none.
    // For on-demand issuance (OnDemandGate). Never touches the store.
    struct Validity {
        std::int64_t not_before = 0;
        std::int64_t not_after = 0;
    };
    virtual std::optional<Validity> validity_for(const std::string& name) const = 0;

    // What the ClientHello callback selected on `ssl` (nullopt: the callback did
    // not run on it, e.g. the context is not attached).
    static std::optional<Selection> last_selection(const SSL* ssl);

    // After SSL_ERROR_WANT_CLIENT_HELLO_CB on `ssl` (pause_on_miss): calls `ready` once, on a loader
    // thread, when the load that ClientHello waits for has finished (loaded or failed), or at once on
    // this thread when it already has. Then call SSL_do_handshake again. Never blocks.
    // (A load it joined may have been started elsewhere, e.g. by the pre-parse:
    // then `ready` runs on that thread. Keep it short: post to your loop.)
    static void when_loaded(SSL* ssl, std::function<void()> ready);

    // For a host server that owns SNI and ALPN itself (nginx 1.22: its
    // servername callback switches SSL_CTX, its ALPN callback picks the
    // protocol), instead of attach(). See HostSelection.hpp.
    //
    // From the host's ClientHello callback (optional): keeps the parsed
    // ClientHello on `ssl` for the certificate callback (below TLS 1.3 it is
    // the only way to learn that the client offers acme-tls/1).
    virtual void record_client_hello(SSL* ssl) = 0;
    enum class HostChoice {
        Context,    // nothing for this name: the context's own certificate stays
        Leaf,       // a leaf from the store (or default_name's) was set on `ssl`
        Challenge,  // the RFC 8737 challenge certificate was set on `ssl`
        Refused,    // fail the handshake (acme-tls/1 negotiated but no challenge, or a bad row)
    };
    // From the host's certificate callback (SSL_CTX_set_cert_cb), after its SNI
    // switch. `default_name` ("" for none) is this server block's default.
    virtual HostChoice select_for_host(SSL* ssl, const std::string& default_name) = 0;
    // From the host's ALPN select callback: true (and *out set into `in`) when
    // acme-tls/1 must be negotiated, i.e. a tls-alpn-01 challenge is pending
    // for the SNI (RFC 8737 §3); false: let the host select as usual.
    virtual bool select_challenge_alpn(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                                       const unsigned char* in, unsigned int inlen) = 0;

protected:
    Agent() = default;
};

}  // namespace certa::handshake

// The Agent behind Agent::open (see AgentImpl.hpp).
#include "handshake/agent/AgentImpl.hpp"

#include "handshake/agent/DefaultNameMemo.hpp"
#include "handshake/agent/HeapTrim.hpp"
#include "handshake/agent/HostSelection.hpp"
#include "handshake/agent/OcspStapling.hpp"
#include "handshake/agent/PausedHelloSlot.hpp"
#include "handshake/agent/SelectionSlot.hpp"
#include "handshake/agent/StapleRefresh.hpp"
#include "handshake/agent/StoreConnections.hpp"
#include "storage/names/NameNormalizer.hpp"
#include "storage/base/Clock.hpp"
#include "storage/Store.hpp"

#include <openssl/crypto.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <stdexcept>

namespace certa::handshake {
std::unique_ptr<Agent> Agent::open(const std::string& store_location, AgentOptions options) {
    auto store = open_agent_connection(store_location, options.read_only);
    return open(std::move(store), std::move(options));
}

std::unique_ptr<Agent> Agent::open(std::unique_ptr<storage::Store> store, AgentOptions options) {
    return std::make_unique<AgentImpl>(std::move(store), std::move(options));
}

// Loads queued for paused ClientHellos at most; beyond, a miss loads on its own thread.
constexpr std::size_t kMaxQueuedLoads = 1024;

static MaterialCache::Options cache_options(const AgentOptions& options, LoaderPool* pool) {
    MaterialCache::Options o;
    o.pool = pool;
    o.capacity = options.max_parsed_certificates;
    o.negative_capacity = options.negative_cache_size;
    o.on_error = options.on_load_error;
    return o;
}

AgentImpl::AgentImpl(std::unique_ptr<storage::Store> store, AgentOptions options)
    : options_(std::move(options)),
      store_(store.get()),
      pems_(open_pem_source(store.get(), options_.read_only)),
      pool_(options_.pause_on_miss ? std::make_unique<LoaderPool>(options_.loader_threads, kMaxQueuedLoads) : nullptr),
      cache_(std::make_unique<MaterialCache>([this](const IndexRecord& r) { return load_material(r); },
                                             cache_options(options_, pool_.get()))),
      maintenance_(options_.read_only ? std::chrono::seconds(0) : options_.maintenance_interval),
      stapler_(maintenance_),
      handler_(options_, *cache_, maintenance_.enabled() ? &maintenance_ : nullptr),
      loader_(std::move(store), connection_opener(store_, options_.read_only)) {
    if (options_.poll_interval.count() <= 0) options_.poll_interval = std::chrono::milliseconds(100);
    SelectionSlot::index();  // allocate the ex_data indexes before any handshake
    PausedHelloSlot::index();
    publish(std::make_shared<const Snapshot>());
    refresh();  // the first load must work: a store that cannot be read is an open error
    if (options_.watch) watcher_ = std::thread([this] { watch_loop(); });
    if (options_.watch && options_.preparse) preparser_ = std::thread([this] { preparse_loop(); });
}

AgentImpl::~AgentImpl() {
    // No load may run on while the store and PEM connections go: no loader
    // job starts now (paused ClientHellos whose load was still queued are
    // never resumed; their hosts' deadlines end them), and no thread begins
    // another read.
    if (pool_) pool_->close();
    {
        std::lock_guard lock(stop_mutex_);
        stopping_ = true;
    }  // (set under the mutex so that the watcher cannot miss the notification)
    stop_cv_.notify_all();
    {
        std::lock_guard lock(load_mutex_);  // (so that the pre-parser cannot miss it either)
    }
    backlog_cv_.notify_all();
    // A read still under way (a loader's row, the watcher's index, the
    // pre-parser's row) may wait on a lock another session holds: end it now
    // instead of waiting out the store's lock timeout (5 s) to join its thread.
    if (pems_) pems_->interrupt();
    if (store_) store_->interrupt();
    if (pool_) pool_->stop();
    if (watcher_.joinable()) watcher_.join();
    if (preparser_.joinable()) preparser_.join();
    if (options_.on_close && store_) {
        try {
            options_.on_close(*store_);
        } catch (...) {
            // A store that cannot take the write (locked, read-only) changes nothing here.
        }
    }
}

std::shared_ptr<const Snapshot> AgentImpl::snapshot() const {
    std::lock_guard lock(snapshot_mutex_);
    return snapshot_;
}

void AgentImpl::publish(std::shared_ptr<const Snapshot> next) {
    {
        std::lock_guard lock(snapshot_mutex_);
        snapshot_.swap(next);
    }
    // `next` now holds the previous snapshot: released here, outside the lock.
}

void AgentImpl::attach(SSL_CTX* ctx) {
    if (!ctx) throw std::invalid_argument("Agent::attach: null SSL_CTX");
    SSL_CTX_set_client_hello_cb(ctx, &AgentImpl::on_client_hello, this);
    SSL_CTX_set_alpn_select_cb(ctx, &AgentImpl::on_alpn, this);
    attach_stapling(ctx);
}

void AgentImpl::attach_stapling(SSL_CTX* ctx) { stapler_.install(ctx); }

void AgentImpl::refresh() {
    std::lock_guard lock(load_mutex_);
    try {
        if (auto next = loader_.load()) {
            publish(std::move(next));
            ++reloads_;
            // A removed row's material goes now (a renewal's old row is not asked for again).
            for (std::int64_t id : loader_.last_removed()) cache_->erase(id);
            // A new OCSP response: swapped into the cached leaf, else the next handshake loads the row with it.
            for (std::int64_t id : loader_.last_ocsp_changed())
                if (!refresh_staple(*cache_, *store_, id)) cache_->erase(id);
            if (options_.preparse && options_.watch) {
                // Only as many as the cache can hold: the pre-parse never evicts.
                const std::size_t cap = cache_->capacity();
                const std::size_t parsed = cache_->stats().parsed;
                for (const IndexRecord& record : loader_.last_added()) {
                    if (cap != 0 && backlog_.size() + in_flight_ + parsed >= cap) break;
                    backlog_.push_back(record);
                }
                backlog_size_ = backlog_.size() + in_flight_;
                if (!backlog_.empty()) backlog_cv_.notify_one();
            }
        }
        last_error_.clear();
        if (maintenance_.enabled() && store_) maintenance_.flush(*store_);
        last_sync_.store(std::chrono::steady_clock::now().time_since_epoch().count(), std::memory_order_relaxed);
    } catch (const std::exception& e) {
        ++reload_errors_;
        last_error_ = e.what();
        throw;
    }
}

void AgentImpl::watch_loop() {
    std::unique_lock lock(stop_mutex_);
    while (!stopping_) {
        lock.unlock();
        try {
            refresh();
        } catch (const std::exception&) {
            // Counted and kept in last_reload_error(); the old snapshot keeps serving.
        }
        report_loaded();
        // What loads freed (their rows, parsed certificates' PEM) goes back to
        // the kernel here, off the handshake path and out of open().
        trim_heap_if_due();
        lock.lock();
        stop_cv_.wait_for(lock, options_.poll_interval, [this] { return stopping_.load(); });
    }
}

void AgentImpl::preparse_loop() {
    // Lowest CPU priority for this thread only (Linux: a thread is a task with
    // its own nice value): under full load the handshake threads keep the CPU
    // and parse what they need themselves; when idle, this warms the rest.
    // Failure (e.g. a seccomp filter) only leaves the thread at normal priority.
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
    constexpr std::size_t kChunk = 64;  // entries taken per lock
    std::vector<IndexRecord> chunk;
    while (true) {
        {
            std::unique_lock lock(load_mutex_);
            backlog_cv_.wait(lock, [this] { return stopping_.load() || !backlog_.empty(); });
            if (stopping_) return;
            const std::size_t take = std::min(kChunk, backlog_.size());
            chunk.assign(backlog_.end() - static_cast<std::ptrdiff_t>(take), backlog_.end());
            backlog_.resize(backlog_.size() - take);
            in_flight_ = take;
        }
        for (const IndexRecord& record : chunk) {
            if (stopping_) return;
            // Loads unless cached already (a handshake came first) or the cache is full.
            cache_->warm(record);
            ++preparsed_;
        }
        chunk.clear();
        std::lock_guard lock(load_mutex_);
        in_flight_ = 0;
        backlog_size_ = backlog_.size();
    }
}

void AgentImpl::report_loaded() {
    if (!options_.on_loaded || !store_) return;
    const auto now = std::chrono::steady_clock::now();
    // generation() also sees reloads that another thread's refresh() made.
    const std::int64_t served = generation();
    if (reported_ && served == reported_generation_ && now - reported_at_ < options_.loaded_beat) return;
    reported_ = true;
    reported_generation_ = served;
    reported_at_ = now;  // a failed report is retried at the next change or beat, not every poll
    try {
        options_.on_loaded(*store_, served);
    } catch (...) {
        // Ignored: the issuer falls back to its own bounded wait; serving goes on.
    }
}

MaterialCache::Loaded AgentImpl::load_material(const IndexRecord& record) {
    using Loaded = MaterialCache::Loaded;
    std::optional<PemSource::Pem> pem;
    if (pems_) {
        pem = pems_->fetch(record.id);  // a StoreError is "unavailable" for the cache
    } else if (auto row = store_->get_certificate(record.id)) {
        pem = PemSource::Pem{std::move(row->chain_pem), std::move(row->key_pem), store_->get_ocsp_response(record.id)};
    }
    if (!pem) return Loaded{Loaded::Result::Broken, nullptr, "the row is gone from the store"};
    auto material = parse_cert_material(pem->chain, pem->key, record.algorithm);
    if (!pem->key.empty()) OPENSSL_cleanse(pem->key.data(), pem->key.size());
    if (!material)
        return Loaded{Loaded::Result::Broken, nullptr,
                      "its chain or key does not parse, or the key does not match the leaf"};
    if (pem->ocsp && material->chain && sk_X509_num(material->chain.get()) > 0)
        attach_staple(material->leaf.get(), make_staple(*pem->ocsp, material->leaf.get(),
                                                        sk_X509_value(material->chain.get(), 0)));
    return Loaded{Loaded::Result::Ok, std::move(material), {}};
}

std::size_t AgentImpl::certificate_count() const { return snapshot()->certs->size(); }
std::size_t AgentImpl::challenge_count() const { return snapshot()->challenges->size(); }
std::int64_t AgentImpl::generation() const { return snapshot()->generation; }

std::optional<Agent::Validity> AgentImpl::validity_for(const std::string& name) const {
    auto snap = snapshot();
    std::optional<Validity> best;
    for (const std::string& key : {name, storage::covering_wildcard(name)}) {
        if (key.empty()) continue;
        for (const IndexRecord& record : snap->certs->find(key))
            if (!best || record.not_after > best->not_after) best = Validity{record.not_before, record.not_after};
    }
    return best;
}

AgentStats AgentImpl::stats() const {
    AgentStats s;
    s.handshakes = handshakes_.load();
    s.challenges = challenges_.load();
    s.leaves = leaves_.load();
    s.unknown_name = unknown_name_.load();
    s.no_challenge = no_challenge_.load();
    s.refused_other = refused_other_.load();
    s.failures = s.unknown_name + s.no_challenge + s.refused_other;
    s.reloads = reloads_.load();
    s.reload_errors = reload_errors_.load();
    s.preparsed = preparsed_.load();
    s.preparse_backlog = backlog_size_.load();
    const auto cache = cache_->stats();
    s.parsed = cache.parsed;
    s.evictions = cache.evictions;
    s.cache_hits = cache.hits;
    s.cache_misses = cache.misses;
    s.store_reads = cache.loads;
    s.shared_loads = cache.shared_waits;
    s.load_failures = cache.load_failures;
    s.paused = paused_.load();
    s.negative_cached = cache.negative;
    auto snap = snapshot();
    s.index_names = snap->certs->name_count();
    s.index_bytes = snap->certs->memory_bytes();
    s.ocsp_stapled = stapler_.stapled();
    s.ocsp_expired = stapler_.expired();
    const auto maintenance = maintenance_.stats();
    s.maintenance_queued = maintenance.queued;
    s.maintenance_written = maintenance.written;
    s.last_sync = std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(last_sync_.load(std::memory_order_relaxed)));
    return s;
}

std::string AgentImpl::last_reload_error() const {
    std::lock_guard lock(load_mutex_);
    return last_error_;
}

int AgentImpl::on_client_hello(SSL* ssl, int* alert, void* arg) {
    auto* self = static_cast<AgentImpl*>(arg);
    // Run again after a pause (SSL_CLIENT_HELLO_RETRY): counted once, never paused twice.
    const bool again = self->pool_ && PausedHelloSlot::run_again(ssl);
    if (!again) self->handshakes_.add();
    Selection* selection = SelectionSlot::get_or_create(ssl);
    Selection scratch;
    Selection& out = selection ? *selection : scratch;
    // The snapshot is pinned for the whole callback; a swap meanwhile only
    // affects later handshakes.
    auto snap = self->snapshot();
    MissHandling miss{self->pool_ && !again, !again, nullptr};
    int rc = self->handler_.handle(ssl, alert, *snap, out, &miss);
    if (rc == SSL_CLIENT_HELLO_RETRY) {
        if (PausedHelloSlot::pause(ssl, std::move(miss.pending))) {
            self->paused_.add();
            return rc;
        }
        miss = {false, false, nullptr};  // no memory to remember the pause: load here instead
        rc = self->handler_.handle(ssl, alert, *snap, out, &miss);
    }
    if (rc != SSL_CLIENT_HELLO_SUCCESS) {
        self->count_refusal(*alert, out);
    } else if (out.kind == Selection::Kind::Challenge) {
        self->challenges_.add();
    } else if (out.kind != Selection::Kind::None) {
        self->leaves_.add();
    }
    return rc;
}

void AgentImpl::count_refusal(int alert, const Selection& selection) {
    // The handler refuses a name it has nothing for with unrecognized_name.
    if (alert != SSL_AD_UNRECOGNIZED_NAME)
        refused_other_.add();
    else if (selection.acme_tls_offered)
        no_challenge_.add();
    else
        unknown_name_.add();
}

void AgentImpl::record_client_hello(SSL* ssl) { handshake::record_client_hello(ssl); }

Agent::HostChoice AgentImpl::select_for_host(SSL* ssl, const std::string& default_name) {
    handshakes_.add();
    Selection* selection = SelectionSlot::get_or_create(ssl);  // also tells select_challenge_alpn that this ran
    Selection scratch;
    Selection& out = selection ? *selection : scratch;
    out = Selection{};
    const ClientHelloInfo hello = client_hello_in_cert_callback(ssl);
    auto snap = snapshot();
    // RFC 8737 §3: acme-tls/1 negotiated (TLS 1.3 runs ALPN first), or, before
    // ALPN ran (TLS 1.2), offered with a challenge pending for the SNI.
    const std::string_view alpn = negotiated_alpn(ssl);
    bool challenge = alpn == kAcmeTlsProtocol;
    if (alpn.empty() && hello.offers_acme_tls && hello.has_sni && !hello.sni_malformed)
        challenge = snap->challenges->find(ClientHelloHandler::challenge_identifier(hello.sni),
                                           storage::unix_now()) != nullptr;
    out.acme_tls_offered = hello.offers_acme_tls || challenge;
    int alert = SSL_AD_INTERNAL_ERROR;
    const std::string& fallback_name = DefaultNameMemo::normalized(default_name);
    const int rc = challenge
                       ? handler_.serve_challenge(ssl, &alert, *snap, hello.sni, hello.has_sni, out)
                       : handler_.serve_leaf(ssl, &alert, hello, *snap, fallback_name, true, out);
    if (rc != SSL_CLIENT_HELLO_SUCCESS) {
        count_refusal(alert, out);
        return HostChoice::Refused;
    }
    switch (out.kind) {
        case Selection::Kind::Challenge: challenges_.add(); return HostChoice::Challenge;
        case Selection::Kind::None: return HostChoice::Context;
        default: leaves_.add(); return HostChoice::Leaf;
    }
}

bool AgentImpl::select_challenge_alpn(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                                      const unsigned char* in, unsigned int inlen) {
    if (!find_alpn_offer(in, inlen, kAcmeTlsProtocol, out, outlen)) return false;
    // The certificate callback ran first (TLS 1.2): acme-tls/1 only with the
    // challenge certificate it served.
    if (const Selection* done = SelectionSlot::find(ssl))
        return done->kind == Selection::Kind::Challenge;
    const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (!sni) return false;
    const std::string identifier = ClientHelloHandler::challenge_identifier(sni);
    return !identifier.empty() && snapshot()->challenges->find(identifier, storage::unix_now()) != nullptr;
}

int AgentImpl::on_alpn(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                       const unsigned char* in, unsigned int inlen, void* arg) {
    auto* self = static_cast<AgentImpl*>(arg);
    return self->handler_.select_alpn(SelectionSlot::find(ssl), out, outlen, in, inlen);
}

}  // namespace certa::handshake

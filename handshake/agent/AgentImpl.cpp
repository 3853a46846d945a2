#include "handshake/agent/AgentImpl.hpp"

#include "handshake/agent/HeapTrim.hpp"
#include "handshake/agent/HostSelection.hpp"
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
namespace {

// SSL ex_data slot holding the Selection of the connection's last ClientHello.
void free_selection(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
    std::unique_ptr<Selection> owned(static_cast<Selection*>(ptr));
}

int selection_slot() {
    static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, free_selection);
    return slot;
}

// The connection's Selection, created on first use (nullptr if out of memory).
Selection* selection_of(SSL* ssl) {
    auto* existing = static_cast<Selection*>(SSL_get_ex_data(ssl, selection_slot()));
    if (existing) return existing;
    auto fresh = std::make_unique<Selection>();
    if (SSL_set_ex_data(ssl, selection_slot(), fresh.get()) != 1) return nullptr;
    return fresh.release();  // owned by the SSL now (free_selection)
}

// A second connection on the same store for PEM fetched after open, or null
// (then the first load reads all PEM itself).
std::shared_ptr<PemSource> open_pem_source(const storage::Store* store, bool read_only) {
    if (!store) return nullptr;
    try {
        return std::make_shared<PemSource>(store->location(), read_only);
    } catch (const std::exception&) {
        return nullptr;
    }
}

}  // namespace

std::unique_ptr<Agent> Agent::open(const std::string& store_location, AgentOptions options) {
    storage::OpenOptions open_options;
    open_options.create = false;
    open_options.read_only = options.read_only;
    return open(storage::open_store(store_location, open_options), std::move(options));
}

std::unique_ptr<Agent> Agent::open(std::unique_ptr<storage::Store> store, AgentOptions options) {
    return std::make_unique<AgentImpl>(std::move(store), std::move(options));
}

std::optional<Selection> Agent::last_selection(const SSL* ssl) {
    auto* s = static_cast<const Selection*>(SSL_get_ex_data(ssl, selection_slot()));
    if (!s) return std::nullopt;
    return *s;
}

AgentImpl::AgentImpl(std::unique_ptr<storage::Store> store, AgentOptions options)
    : options_(std::move(options)),
      handler_(options_),
      budget_(std::make_shared<ParseBudget>(options_.max_parsed_certificates)),
      store_(store.get()),
      pems_(open_pem_source(store.get(), options_.read_only)),
      loader_(std::move(store), budget_, pems_) {
    if (options_.poll_interval.count() <= 0) options_.poll_interval = std::chrono::milliseconds(100);
    selection_slot();  // allocate the ex_data index before any handshake
    publish(std::make_shared<const Snapshot>());
    refresh();  // the first load must work: a store that cannot be read is an open error
    if (options_.watch) watcher_ = std::thread([this] { watch_loop(); });
    if (options_.watch && options_.preparse) preparser_ = std::thread([this] { preparse_loop(); });
}

AgentImpl::~AgentImpl() {
    {
        std::lock_guard lock(stop_mutex_);
        stopping_ = true;
    }  // (set under the mutex so that the watcher cannot miss the notification)
    stop_cv_.notify_all();
    {
        std::lock_guard lock(load_mutex_);  // (so that the pre-parser cannot miss it either)
    }
    backlog_cv_.notify_all();
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
}

void AgentImpl::refresh() {
    std::lock_guard lock(load_mutex_);
    try {
        if (auto next = loader_.load()) {
            publish(std::move(next));
            ++reloads_;
            if (options_.preparse && options_.watch) {
                const auto& added = loader_.last_added();
                backlog_.insert(backlog_.end(), added.begin(), added.end());
                backlog_size_ = backlog_.size() + in_flight_;
                if (!added.empty()) backlog_cv_.notify_one();
            }
        }
        last_error_.clear();
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
        evict_over_budget();
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
    std::vector<std::shared_ptr<const CertEntry>> chunk;
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
        for (auto& entry : chunk) {
            if (stopping_) return;
            // Thread-safe, once per entry (a handshake may have parsed it already);
            // with a budget, only while below the limit.
            if (budget_->limit == 0 || budget_->parsed.load() < budget_->limit) entry->material();
            entry.reset();      // an entry removed by a reload meanwhile is freed here
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

void AgentImpl::evict_over_budget() {
    const std::size_t limit = budget_->limit;
    if (limit == 0 || budget_->parsed.load() <= limit) return;
    auto snap = snapshot();
    // CLOCK: an entry used since the previous sweep gets a second chance, so two
    // passes at most; entries no longer indexed are freed with their snapshot.
    for (int pass = 0; pass < 2 && budget_->parsed.load() > limit; ++pass) {
        snap->certs->for_each_entry(sweep_shard_, [&](const CertEntry& entry) {
            if (entry.parsed() && !entry.take_referenced()) entry.evict();
            return budget_->parsed.load() > limit;
        });
    }
    sweep_shard_ = (sweep_shard_ + 1) % CertIndex::kShards;
}

std::size_t AgentImpl::certificate_count() const { return snapshot()->certs->size(); }
std::size_t AgentImpl::challenge_count() const { return snapshot()->challenges->size(); }
std::int64_t AgentImpl::generation() const { return snapshot()->generation; }

std::optional<Agent::Validity> AgentImpl::validity_for(const std::string& name) const {
    auto snap = snapshot();
    std::optional<Validity> best;
    for (const std::string& key : {name, storage::covering_wildcard(name)}) {
        if (key.empty()) continue;
        if (const auto* candidates = snap->certs->find(key)) {
            for (const auto& entry : *candidates)
                if (!best || entry->not_after() > best->not_after)
                    best = Validity{entry->not_before(), entry->not_after()};
        }
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
    s.parsed = budget_->parsed.load();
    s.evictions = budget_->evictions.load();
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
    self->handshakes_.add();
    Selection* selection = selection_of(ssl);
    Selection scratch;
    Selection& out = selection ? *selection : scratch;
    // The snapshot is pinned for the whole callback; a swap meanwhile only
    // affects later handshakes.
    auto snap = self->snapshot();
    int rc = self->handler_.handle(ssl, alert, *snap, out);
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
    Selection* selection = selection_of(ssl);  // also tells select_challenge_alpn that this ran
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
    std::string fallback_name;
    if (!default_name.empty()) {
        if (auto n = storage::normalize_server_name(default_name)) fallback_name = n->name;
    }
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
    if (auto* done = static_cast<const Selection*>(SSL_get_ex_data(ssl, selection_slot())))
        return done->kind == Selection::Kind::Challenge;
    const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (!sni) return false;
    const std::string identifier = ClientHelloHandler::challenge_identifier(sni);
    return !identifier.empty() && snapshot()->challenges->find(identifier, storage::unix_now()) != nullptr;
}

int AgentImpl::on_alpn(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                       const unsigned char* in, unsigned int inlen, void* arg) {
    auto* self = static_cast<AgentImpl*>(arg);
    auto* selection = static_cast<const Selection*>(SSL_get_ex_data(ssl, selection_slot()));
    return self->handler_.select_alpn(selection, out, outlen, in, inlen);
}

}  // namespace certa::handshake

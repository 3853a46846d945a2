// Certificate selection for one name (see CertSelector.hpp).
#include "handshake/agent/CertSelector.hpp"

#include "storage/names/NameNormalizer.hpp"

#include <array>

namespace certa::handshake {

namespace {

bool is_ecdsa(KeyAlgorithm a) {
    return a == KeyAlgorithm::EcdsaP256 || a == KeyAlgorithm::EcdsaP384 || a == KeyAlgorithm::EcdsaOther;
}

}  // namespace

bool client_supports(KeyAlgorithm algorithm, const ClientHelloInfo& hello) {
    const SignatureSupport& s = hello.signatures;
    // Without the extension, TLS 1.2 clients accept rsa/ecdsa with SHA-1
    // (RFC 5246 §7.4.1.4.1); judge nothing then.
    if (!s.listed) return true;
    // TLS 1.3 binds the ECDSA curve to the scheme and wants RSA-PSS (RFC 8446 §4.2.3).
    const bool tls13 = hello.offers_tls13;
    switch (algorithm) {
        case KeyAlgorithm::EcdsaP256: return tls13 ? s.ecdsa_p256 : s.ecdsa_any;
        case KeyAlgorithm::EcdsaP384: return tls13 ? s.ecdsa_p384 : s.ecdsa_any;
        case KeyAlgorithm::EcdsaOther: return s.ecdsa_any;
        case KeyAlgorithm::Rsa: return tls13 ? s.rsa_pss_rsae : s.rsa;
        case KeyAlgorithm::Other: return true;
    }
    return true;
}

std::optional<CertChoice> select_certificate(const CertIndex& index, const std::string& name,
                                             bool is_dns, const ClientHelloInfo& hello,
                                             storage::UnixTime now, MaterialCache& cache, MissHandling* miss) {
    struct Source {
        CertIndex::Candidates list;
        std::string key;
    };
    std::array<Source, 2> sources;
    sources[0] = {index.find(name), name};
    if (is_dns) {
        std::string wildcard = storage::covering_wildcard(name);
        if (!wildcard.empty()) sources[1] = {index.find(wildcard), std::move(wildcard)};
    }
    if (sources[0].list.empty() && sources[1].list.empty()) return std::nullopt;

    // Tier 0: supported and valid; 1: supported; 2: anything. Within a tier
    // and a name, a client that lists ECDSA among its signature algorithms
    // gets an ECDSA certificate before an RSA one (smaller, faster); RSA only
    // for clients that cannot do ECDSA.
    const bool prefer_ecdsa = hello.signatures.listed;
    for (int tier = 0; tier < 3; ++tier) {
        for (const auto& source : sources) {
            if (source.list.empty()) continue;
            for (int pass = (tier < 2 && prefer_ecdsa) ? 0 : 1; pass < 2; ++pass) {
                for (const IndexRecord& record : source.list) {
                    if (pass == 0 && !is_ecdsa(record.algorithm)) continue;
                    if (tier < 2 && !client_supports(record.algorithm, hello)) continue;
                    if (tier == 0 && !record.valid_at(now)) continue;
                    MaterialCache::MaterialPtr material;
                    if (miss && miss->may_pause) {
                        auto attempt = cache.get_or_start(record);
                        if (attempt.pending) {  // the best candidate is loading: wait for it, not a worse one
                            miss->pending = std::move(attempt.pending);
                            return std::nullopt;
                        }
                        material = std::move(attempt.material);
                    } else {
                        material = cache.get(record, !miss || miss->counted);  // loads on a miss
                    }
                    if (!material) continue;  // broken rows are skipped
                    return CertChoice{record, source.key, std::move(material)};
                }
            }
        }
    }
    return std::nullopt;
}

}  // namespace certa::handshake

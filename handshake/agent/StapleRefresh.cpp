#include "handshake/agent/StapleRefresh.hpp"

#include "handshake/agent/OcspStapling.hpp"

#include <exception>

namespace certa::handshake {

bool refresh_staple(MaterialCache& cache, storage::Store& store, std::int64_t id) {
    const MaterialCache::MaterialPtr material = cache.held(id);
    if (!material || !material->leaf || !material->chain || sk_X509_num(material->chain.get()) == 0) return false;
    X509* leaf = material->leaf.get();
    // Only a leaf that had a staple has the slot to swap it in: a first one comes with a load.
    if (!staple_of(leaf)) return false;
    try {
        const auto stored = store.get_ocsp_response(id);
        // Gone, or no longer "good" for this certificate (revoked): nothing is stapled from now on.
        return replace_staple(leaf, stored ? make_staple(*stored, leaf, sk_X509_value(material->chain.get(), 0))
                                           : nullptr);
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace certa::handshake

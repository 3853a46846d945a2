#include "acme/issue/Issuer.hpp"

#include "acme/issue/OrderService.hpp"
#include "storage/KeyGeneration.hpp"
#include "storage/base/OpenSsl.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace certa::acme {

std::string join_names(const std::vector<Identifier>& identifiers) {
    std::string out;
    for (const auto& id : identifiers) out += (out.empty() ? "" : ", ") + id.value;
    return out;
}

Issuer::Issuer(storage::Store& store, AcmeClient& client, ChallengeSolver& solver, RegisterOptions account_options)
    : store_(store), client_(client), solver_(solver), account_options_(std::move(account_options)) {}

const storage::Account& Issuer::ensure_account() {
    if (!account_) account_ = acme::ensure_account(store_, client_, account_options_);
    return *account_;
}

// The account that issued `current`, while it is registered with this CA:
// RFC 9773 §5 `replaces` and CAs' renewal exemptions count per account, and
// a store may hold several accounts for one CA (e.g. imported ones).
void Issuer::use_account_of(const storage::CertificateRecord& current) {
    if (account_ || current.account_id == 0) return;
    auto row = store_.get_account(current.account_id);
    if (!row || row->status != "valid" || row->url.empty() || row->server != client_.directory_url()) return;
    AccountService(store_, client_).use(*row);
    account_ = *row;
}

storage::CertificateRecord Issuer::issue(const std::vector<Identifier>& identifiers, const IssueSettings& settings,
                                         const IssueExtras& extras) {
    const std::string names = join_names(identifiers);
    try {
        const storage::Account& account = ensure_account();
        ossl::PKeyPtr key = storage::generate_key(settings.key_type);

        OrderRequest request;
        request.identifiers = identifiers;
        request.profile = settings.profile;
        request.replaces = extras.replaces_cert_id;
        request.preferred_chain = settings.preferred_chain;
        request.certificate_key = key.get();
        OrderResult order = OrderService(client_, solver_).run(request);

        storage::CertificateInput input;
        for (const auto& id : identifiers) input.names.push_back(id.value);
        input.key_type = settings.key_type;
        input.key_pem = ossl::to_pem(key.get());
        input.chain_pem = order.chain_pem;
        input.server = client_.directory_url();
        input.account_id = account.id;
        input.profile = settings.profile;
        input.settings_json = settings.to_json();
        input.replaces = extras.replaces;
        input.fence = extras.fence;
        input.deploy_pending = extras.deploy_pending;
        const std::int64_t id = store_.put_certificate(input);
        auto record = store_.get_certificate(id);
        if (!record) throw std::runtime_error("the stored certificate vanished");
        store_.add_event(extras.event_kind, id, names + "; serial " + record->serial_hex);
        spdlog::debug("{} certificate {} for {}", extras.event_kind, id, names);
        return *record;
    } catch (const std::exception& e) {
        if (storage::store_unusable(e)) throw;  // one line, no second busy wait
        try {
            store_.add_event("failed", extras.replaces.value_or(0), names + ": " + e.what());
        } catch (const std::exception& store_error) {
            spdlog::warn("cannot record the failure: {}", store_error.what());
        }
        throw;
    }
}

storage::CertificateRecord Issuer::reissue(const std::vector<Identifier>& identifiers, const IssueSettings& settings,
                                           const storage::CertificateRecord& current, const storage::LeaseFence& fence,
                                           bool deploy_pending) {
    IssueExtras extras;
    extras.deploy_pending = deploy_pending;
    extras.replaces = current.id;
    extras.fence = fence;
    extras.event_kind = "renewed";
    use_account_of(current);
    if (client_.directory().renewal_info && ensure_account().id == current.account_id &&
        client_.directory_url() == current.server)
        extras.replaces_cert_id = current.ari_cert_id;
    try {
        return issue(identifiers, settings, extras);
    } catch (const AcmeError& e) {
        // RFC 9773 §5: the CA may refuse `replaces` (already replaced, or a
        // certificate of another account: 403); order once more without it.
        const bool refused = e.problem().is("alreadyReplaced") ||
                             (e.problem().status == 403 && e.problem().is("unauthorized"));
        if (extras.replaces_cert_id.empty() || !refused) throw;
        spdlog::warn("{}: {}; ordering without 'replaces'", join_names(identifiers), e.what());
        extras.replaces_cert_id.clear();
        return issue(identifiers, settings, extras);
    }
}

}  // namespace certa::acme

#include "acme/request/Identifier.hpp"

#include "storage/names/NameNormalizer.hpp"
#include "storage/names/ReverseDnsName.hpp"

#include <algorithm>

namespace certa::acme {

Identifier Identifier::parse(const std::string& text) {
    const storage::NormalizedName name = storage::validate_name(text, storage::NameRules{.allow_wildcard = true});
    return Identifier{name.kind == storage::NormalizedName::Kind::Ip ? Kind::Ip : Kind::Dns, name.name};
}

std::string Identifier::reverse_dns_name() const { return is_ip() ? storage::reverse_dns_name(value) : value; }

std::vector<Identifier> parse_identifiers(const std::vector<std::string>& names) {
    std::vector<Identifier> out;
    for (const auto& name : names) {
        Identifier id = Identifier::parse(name);
        if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
    }
    return out;
}

}  // namespace certa::acme

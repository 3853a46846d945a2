// The accounts.contact column's encoding (storage/StoreTypes.hpp).
#include "storage/StoreTypes.hpp"

#include <doctest/doctest.h>

using namespace certa::storage;

TEST_CASE("contact URLs round-trip through the column") {
    const std::vector<std::vector<std::string>> cases = {
        {},
        {"mailto:a@example.com"},
        {"mailto:a@example.com", "mailto:b@example.com"},
        {"mailto:ops+certa@example.com", "tel:+1-555-0100", "https://example.com/contact?x=1;y=2"},
    };
    for (const auto& contact : cases) {
        INFO(encode_contact(contact));
        CHECK(decode_contact(encode_contact(contact)) == contact);
    }
    CHECK(encode_contact({"mailto:a@example.com", "mailto:b@example.com"}) ==
          "mailto:a@example.com,mailto:b@example.com");
}

TEST_CASE("empty parts are left out both ways") {
    CHECK(encode_contact({"", "mailto:a@example.com", ""}) == "mailto:a@example.com");
    CHECK(decode_contact("") == std::vector<std::string>{});
    CHECK(decode_contact(",mailto:a@example.com,,mailto:b@example.com,") ==
          std::vector<std::string>{"mailto:a@example.com", "mailto:b@example.com"});
}

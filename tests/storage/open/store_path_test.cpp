// StorePath: --store beats $CERTA_STORE beats the default location.
#include "storage/open/StorePath.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

using namespace certa::storage;

namespace {

// Sets (or unsets) an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) ::setenv(name, value->c_str(), 1);
        else ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("the flag wins, then CERTA_STORE, then the default") {
    ScopedEnv store("CERTA_STORE", "/tmp/from-env.db");
    CHECK(resolve_store_path("/tmp/flag.db") == "/tmp/flag.db");
    CHECK(resolve_store_path("") == "/tmp/from-env.db");
    ScopedEnv unset("CERTA_STORE", std::nullopt);
    CHECK(resolve_store_path("") == default_store_path());
    ScopedEnv empty("CERTA_STORE", "");
    CHECK(resolve_store_path("") == default_store_path());
}

TEST_CASE("the default follows XDG_DATA_HOME, HOME, or /var/lib for root") {
    ScopedEnv xdg("XDG_DATA_HOME", "/data/home");
    ScopedEnv home("HOME", "/home/tester");
    if (::geteuid() == 0) {
        CHECK(default_store_path() == "/var/lib/certa/certa.db");
    } else {
        CHECK(default_store_path() == "/data/home/certa/certa.db");
        ScopedEnv no_xdg("XDG_DATA_HOME", std::nullopt);
        CHECK(default_store_path() == "/home/tester/.local/share/certa/certa.db");
        ScopedEnv relative("XDG_DATA_HOME", "relative/path");
        CHECK(default_store_path() == "/home/tester/.local/share/certa/certa.db");
    }
}

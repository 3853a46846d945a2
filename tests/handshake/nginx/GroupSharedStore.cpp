#include "GroupSharedStore.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace certa::test {

uid_t GroupSharedStore::www_data_uid() {
    const passwd* pw = ::getpwnam("www-data");
    if (!pw) throw std::runtime_error("no www-data user");
    return pw->pw_uid;
}

gid_t GroupSharedStore::www_data_gid() {
    const group* gr = ::getgrnam("www-data");
    if (!gr) throw std::runtime_error("no www-data group");
    return gr->gr_gid;
}

GroupSharedStore::GroupSharedStore() : ca_(make_ca("certa nginx test CA")) {
    ::chmod(dir_.path().c_str(), 0755);  // the TempDir: searchable, as /var/lib is
    const std::string store_dir = dir_.file("certa");
    if (::mkdir(store_dir.c_str(), 0750) != 0 || ::chown(store_dir.c_str(), 0, www_data_gid()) != 0)
        throw std::runtime_error("cannot set up " + store_dir);
    path_ = store_dir + "/certa.db";
    storage::open_store(path_);  // created 0600 with its schema, then closed
    if (::chown(path_.c_str(), 0, www_data_gid()) != 0 || ::chmod(path_.c_str(), 0640) != 0)
        throw std::runtime_error("cannot share " + path_);
    reopen();  // group-shared now: its -wal and -shm are created 0640 root:www-data and kept
    ca_file_ = write_file("ca.pem", ca_.cert_pem);
}

void GroupSharedStore::reopen() { store_ = storage::open_store(path_); }

std::int64_t GroupSharedStore::put(const std::vector<std::string>& names, const std::string& key_type,
                                   std::optional<std::int64_t> replaces) {
    const TestCert leaf = make_issued(names, key_type, ca_);
    storage::CertificateInput input;
    input.names = names;
    input.key_type = key_type;
    input.key_pem = leaf.key_pem;
    input.chain_pem = leaf.chain_pem;
    input.server = "https://127.0.0.1/dir";
    input.replaces = replaces;
    return store_->put_certificate(input);
}

std::string GroupSharedStore::write_file(const std::string& name, const std::string& text) const {
    const std::string path = dir_.file(name);
    std::ofstream(path) << text;
    return path;
}

}  // namespace certa::test

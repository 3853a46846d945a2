#include "ProcessUsage.hpp"

#include <dirent.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

namespace certa::bench {
namespace {

struct DirCloser {
    void operator()(DIR* d) const { closedir(d); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

std::vector<long> numeric_entries(const std::string& path) {
    std::vector<long> out;
    DirPtr dir(opendir(path.c_str()));
    if (!dir) return out;
    while (dirent* entry = readdir(dir.get())) {
        char* end = nullptr;
        long value = std::strtol(entry->d_name, &end, 10);
        if (end != entry->d_name && *end == '\0') out.push_back(value);
    }
    return out;
}

// Field 4 of /proc/PID/stat (after the parenthesised command name).
pid_t parent_of(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return -1;
    auto close = line.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    long ppid = -1;
    rest >> state >> ppid;
    return static_cast<pid_t>(ppid);
}

}  // namespace

std::vector<pid_t> process_tree(pid_t root) {
    std::multimap<pid_t, pid_t> children;
    for (long pid : numeric_entries("/proc")) children.emplace(parent_of(pid), static_cast<pid_t>(pid));
    std::vector<pid_t> tree{root};
    for (std::size_t i = 0; i < tree.size(); ++i) {
        auto [begin, end] = children.equal_range(tree[i]);
        for (auto it = begin; it != end; ++it) tree.push_back(it->second);
    }
    return tree;
}

double tree_cpu_seconds(pid_t root) {
    double ns = 0;
    for (pid_t pid : process_tree(root)) {
        const std::string base = "/proc/" + std::to_string(pid) + "/task";
        for (long tid : numeric_entries(base)) {
            std::ifstream in(base + "/" + std::to_string(tid) + "/schedstat");
            double on_cpu = 0;
            if (in >> on_cpu) ns += on_cpu;
        }
    }
    return ns / 1e9;
}

MemoryUse tree_memory(pid_t root) {
    MemoryUse use;
    for (pid_t pid : process_tree(root)) {
        std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
        // Lines "Rss:   1234 kB" after a header line naming the mapping range.
        for (std::string line; std::getline(in, line);) {
            std::istringstream fields(line);
            std::string key;
            double kb = 0;
            if (!(fields >> key >> kb)) continue;
            if (key == "Rss:") use.rss_mb += kb / 1024;
            if (key == "Pss:") use.pss_mb += kb / 1024;
        }
    }
    return use;
}

}  // namespace certa::bench

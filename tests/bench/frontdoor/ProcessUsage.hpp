// What a server process (and every process under it: nginx's workers) has
// used, read from /proc: CPU time of all threads (schedstat, nanoseconds) and
// memory (RSS and PSS from smaps_rollup; PSS shares pages fairly between an
// nginx master and its workers).
#pragma once

#include <sys/types.h>

#include <vector>

namespace certa::bench {

// `root` and its descendants (scanned from /proc/*/stat).
std::vector<pid_t> process_tree(pid_t root);

// On-CPU time of every thread of every process in the tree, in seconds.
double tree_cpu_seconds(pid_t root);

struct MemoryUse {
    double rss_mb = 0;
    double pss_mb = 0;
};
MemoryUse tree_memory(pid_t root);

}  // namespace certa::bench

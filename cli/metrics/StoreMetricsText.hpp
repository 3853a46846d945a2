// The store-derived metric families (certa_certificate_..., certa_store_...,
// certa_ondemand_requests), written by `certa metrics` and by
// `certa serve --metrics` alike.
#pragma once

#include "cli/metrics/PrometheusText.hpp"
#include "cli/metrics/StoreMetrics.hpp"

namespace certa::cli {

void append_store_metrics(PrometheusText& out, const StoreMetrics& metrics);

}  // namespace certa::cli

#pragma once
// Factories of the workload kinds built into the harness; listed once in workload_registry.cpp.
#include <memory>

#include "tellus_harness/workloads/workload.hpp"

namespace tellus_harness {

std::unique_ptr<Workload> make_command_workload();
std::unique_ptr<Workload> make_archive_roundtrip_workload();
std::unique_ptr<Workload> make_integrity_workload();
std::unique_ptr<Workload> make_concurrent_access_workload();
std::unique_ptr<Workload> make_stage_recall_workload();
std::unique_ptr<Workload> make_transfer_workload();
std::unique_ptr<Workload> make_parallel_io_workload();

}  // namespace tellus_harness

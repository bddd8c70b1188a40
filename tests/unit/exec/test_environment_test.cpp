#include <catch2/catch.hpp>

#include "tellus_harness/exec/test_environment.hpp"

using namespace tellus_harness;

TEST_CASE("tests inherit the user's MPI settings, not the harness rank's place in its own MPI job") {
  CHECK(passed_to_tests("OMPI_MCA_btl=self,tcp"));
  CHECK(passed_to_tests("OMPI_ALLOW_RUN_AS_ROOT=1"));
  CHECK(passed_to_tests("SLURM_JOB_ID=7"));
  CHECK(passed_to_tests("PATH=/usr/bin"));
  for (const char* e : {"OMPI_COMM_WORLD_RANK=3", "OMPI_MCA_orte_hnp_uri=x", "OMPI_MCA_ess=pmi", "OMPI_MCA_pmix=^s1",
                        "PMIX_RANK=3", "PMIX_SERVER_URI4=x", "OMPI_UNIVERSE_SIZE=4", "OMPI_COMMAND=tellus-harness",
                        "OMPI_MCA_initial_wdir=/x"})
    CHECK_FALSE(passed_to_tests(e));
}

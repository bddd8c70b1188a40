// S3 answers (ListObjectsV2, multipart, errors) are read with a small XML scanner; any answer
// a server sends must be scanned without failing.
#include <cstdint>
#include <string>

#include "storage/s3/s3_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string xml(reinterpret_cast<const char*>(data), size);
  for (const auto& c : tellus_harness::xml_elements(xml, "Contents")) {
    tellus_harness::xml_text(c, "Key");
    tellus_harness::xml_text(c, "Size");
  }
  tellus_harness::xml_unescape(tellus_harness::xml_text(xml, "NextContinuationToken"));
  tellus_harness::xml_text(xml, "UploadId");
  tellus_harness::xml_text(xml, "Code");
  return 0;
}

#pragma once
// Reading S3's XML responses (ListObjectsV2, InitiateMultipartUpload, errors). They are flat,
// generated documents with no attributes, CDATA or namespaces that matter: the text between
// <Tag> and </Tag> is all that is needed.
#include <string>
#include <vector>

namespace tellus_harness {

// The raw content of each <tag>...</tag> in `xml`, in order (nested elements included as text).
std::vector<std::string> xml_elements(const std::string& xml, const std::string& tag);
// The unescaped text of the first <tag>, or "" if there is none.
std::string xml_text(const std::string& xml, const std::string& tag);
// &amp; &lt; &gt; &quot; &apos; and numeric references back to characters.
std::string xml_unescape(const std::string& text);
std::string xml_escape(const std::string& text);

}  // namespace tellus_harness

#pragma once
// pytest's selection expressions: `-m "not slow and (network or integration)"` over markers,
// and `-k` over test names, with and/or/not and parentheses.
#include <functional>
#include <memory>
#include <string>

namespace tellus_harness {

class MarkerExpression {
 public:
  // Throws UserError("bad <option> expression ...") naming the column of the problem.
  static MarkerExpression parse(const std::string& text, const std::string& option_name);
  // True when the expression holds; `matches(word)` says whether one identifier holds.
  bool evaluate(const std::function<bool(const std::string&)>& matches) const;
  bool empty() const { return root_ == nullptr; }

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
};

}  // namespace tellus_harness

#include "tellus_harness/config/marker_expression.hpp"

#include <cctype>
#include <vector>

#include "tellus_harness/common/user_error.hpp"

namespace tellus_harness {

struct MarkerExpression::Node {
  enum class Type { kIdentifier, kNot, kAnd, kOr } type;
  std::string identifier;
  std::shared_ptr<const Node> left, right;
};

namespace {

using NodePtr = std::shared_ptr<const MarkerExpression::Node>;
using Type = MarkerExpression::Node::Type;

struct Token {
  enum class Kind { kIdent, kAnd, kOr, kNot, kOpen, kClose, kEnd } kind;
  std::string text;
  std::size_t column;
};

class Parser {
 public:
  Parser(const std::string& text, std::string option) : text_(text), option_(std::move(option)) { tokenize(); }

  NodePtr parse() {
    if (tokens_.front().kind == Token::Kind::kEnd) return nullptr;
    NodePtr n = parse_or();
    if (peek().kind != Token::Kind::kEnd) error("unexpected '" + peek().text + "'");
    return n;
  }

 private:
  void tokenize() {
    std::size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (c == '(' || c == ')') {
        tokens_.push_back({c == '(' ? Token::Kind::kOpen : Token::Kind::kClose, std::string(1, c), i + 1});
        ++i;
      } else {
        const std::size_t start = i;
        while (i < text_.size() && !std::isspace(static_cast<unsigned char>(text_[i])) && text_[i] != '(' && text_[i] != ')') ++i;
        std::string word = text_.substr(start, i - start);
        Token::Kind kind = Token::Kind::kIdent;
        if (word == "and") kind = Token::Kind::kAnd;
        else if (word == "or") kind = Token::Kind::kOr;
        else if (word == "not") kind = Token::Kind::kNot;
        tokens_.push_back({kind, word, start + 1});
      }
    }
    tokens_.push_back({Token::Kind::kEnd, "end of input", text_.size() + 1});
    // The parser, the evaluation and the tree's destruction recurse once per level: bounded
    // input keeps them far from the end of the stack.
    if (tokens_.size() > kMaxTokens)
      throw UserError("bad " + option_ + " expression: more than " + std::to_string(kMaxTokens) +
                      " words and parentheses; select with fewer, or with markers");
  }

  static constexpr std::size_t kMaxTokens = 1000;
  static constexpr int kMaxNesting = 100;

  const Token& peek() const { return tokens_[pos_]; }
  const Token& next() { return tokens_[pos_++]; }

  [[noreturn]] void error(const std::string& what) const {
    const std::string shown = text_.size() <= 200 ? text_ : text_.substr(0, 200) + "...";
    throw UserError("bad " + option_ + " expression '" + shown + "': " + what + " at column " +
                    std::to_string(peek().column) + " (use and, or, not, parentheses and marker names)");
  }

  NodePtr parse_or() {
    NodePtr left = parse_and();
    while (peek().kind == Token::Kind::kOr) {
      next();
      left = std::make_shared<MarkerExpression::Node>(MarkerExpression::Node{Type::kOr, {}, left, parse_and()});
    }
    return left;
  }

  NodePtr parse_and() {
    NodePtr left = parse_not();
    while (peek().kind == Token::Kind::kAnd) {
      next();
      left = std::make_shared<MarkerExpression::Node>(MarkerExpression::Node{Type::kAnd, {}, left, parse_not()});
    }
    return left;
  }

  NodePtr parse_not() {
    if (peek().kind == Token::Kind::kNot) {
      next();
      Nesting level(*this);
      return std::make_shared<MarkerExpression::Node>(MarkerExpression::Node{Type::kNot, {}, parse_not(), nullptr});
    }
    return parse_primary();
  }

  // One level of parentheses or `not`, refused past kMaxNesting.
  struct Nesting {
    explicit Nesting(Parser& p) : parser(p) {
      if (++parser.depth_ > kMaxNesting) parser.error("nested more than " + std::to_string(kMaxNesting) + " levels deep");
    }
    ~Nesting() { --parser.depth_; }
    Parser& parser;
  };

  NodePtr parse_primary() {
    if (peek().kind == Token::Kind::kOpen) {
      next();
      Nesting level(*this);
      NodePtr inner = parse_or();
      if (peek().kind != Token::Kind::kClose) error("expected ')'");
      next();
      return inner;
    }
    if (peek().kind != Token::Kind::kIdent) error("expected a name, got '" + peek().text + "'");
    return std::make_shared<MarkerExpression::Node>(MarkerExpression::Node{Type::kIdentifier, next().text, nullptr, nullptr});
  }

  const std::string& text_;
  std::string option_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

bool eval(const MarkerExpression::Node& n, const std::function<bool(const std::string&)>& matches) {
  switch (n.type) {
    case Type::kIdentifier: return matches(n.identifier);
    case Type::kNot: return !eval(*n.left, matches);
    case Type::kAnd: return eval(*n.left, matches) && eval(*n.right, matches);
    case Type::kOr: return eval(*n.left, matches) || eval(*n.right, matches);
  }
  return false;
}

}  // namespace

MarkerExpression MarkerExpression::parse(const std::string& text, const std::string& option_name) {
  MarkerExpression e;
  e.root_ = Parser(text, option_name).parse();
  return e;
}

bool MarkerExpression::evaluate(const std::function<bool(const std::string&)>& matches) const {
  return root_ == nullptr || eval(*root_, matches);
}

}  // namespace tellus_harness

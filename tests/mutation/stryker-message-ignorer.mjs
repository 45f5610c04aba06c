// @ts-check

/**
 * Stryker ignorer: leaves out mutants of log and error-message text, which no behaviour depends on
 * (issue 9: "log and message strings excluded"). Ignored are
 * - the text arguments (string, template, `+` of strings) of `new SomethingError(...)`;
 * - every argument of `super(...)` in a class that extends `...Error` (the message it builds);
 * - the arguments of a `.log(...)` call (progress and console lines);
 * - the label of `crashPoint('...')`, a name the crash suite (`npm run test:crash`) kills at, not data.
 * Logic inside an error's other arguments (status, retryable, ...) is still mutated.
 */
const MESSAGE = 'log or error-message text (tests/mutation/stryker-message-ignorer.mjs)';

function isTextExpression(node) {
  if (!node) return false;
  if (node.type === 'StringLiteral' || node.type === 'TemplateLiteral') return true;
  if (node.type === 'BinaryExpression' && node.operator === '+') return isTextExpression(node.left) || isTextExpression(node.right);
  return false;
}

function calleeName(callee) {
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression' && callee.property.type === 'Identifier') return callee.property.name;
  return undefined;
}

function enclosingClassExtendsError(path) {
  const klass = path.findParent((parent) => parent.isClassDeclaration() || parent.isClassExpression());
  const superClass = klass?.node.superClass;
  return Boolean(superClass && superClass.type === 'Identifier' && /Error$/.test(superClass.name));
}

class MessageTextIgnorer {
  shouldIgnore(path) {
    const parent = path.parentPath;
    if (!parent || path.listKey !== 'arguments') return undefined;
    const node = path.node;
    if (parent.isNewExpression()) {
      const name = calleeName(parent.node.callee);
      if (name && /Error$/.test(name) && isTextExpression(node)) return MESSAGE;
    }
    if (parent.isCallExpression()) {
      const callee = parent.node.callee;
      if (callee.type === 'Super' && enclosingClassExtendsError(parent)) return MESSAGE;
      const name = calleeName(callee);
      if (name === 'log' && callee.type === 'MemberExpression') return MESSAGE;
      if (name === 'crashPoint' && node.type === 'StringLiteral') return MESSAGE;
    }
    return undefined;
  }
}

// What `declareClassPlugin(PluginKind.Ignore, ...)` of @stryker-mutator/api returns, written out so this
// file needs no import of a package we do not depend on directly.
export const strykerPlugins = [{ kind: 'Ignore', name: 'message-text', injectableClass: MessageTextIgnorer }];

/**
 * Which AWS API calls a Lambda function's code can make, derived from the code itself: the
 * TypeScript checker follows every function, method and module-level value the handler file
 * reaches (a call through a port interface reaches that method of each class implementing the
 * port that the function instantiates), and records each `new <Operation>Command(...)` of an
 * AWS SDK package on the way. Nothing here lists today's calls: a new call in an adapter shows
 * up by itself.
 */
import * as path from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../../../infra/constructs/plan-function.ts';

/** One SDK command the code constructs, where, and what its input object says. */
export interface SdkCall {
  /** npm package of the command class, e.g. `@aws-sdk/client-s3`. */
  readonly pkg: string;
  /** Operation, e.g. `GetObject` (the class name without `Command`). */
  readonly operation: string;
  /** `file:line` of the `new …Command(` expression. */
  readonly at: string;
  /** Top-level property names of the input object literal: given always, or only sometimes (spread, conditional). */
  readonly always: ReadonlySet<string>;
  readonly sometimes: ReadonlySet<string>;
  /** Property names anywhere inside the input (e.g. `ConditionCheck` items of a transaction). */
  readonly nested: ReadonlySet<string>;
}

const isProjectFile = (file: ts.SourceFile) =>
  !file.isDeclarationFile && !file.fileName.includes('/node_modules/');

/** Creates the program once for several handlers. */
export function createProgram(entries: readonly string[]): ts.Program {
  const config = ts.readConfigFile(path.join(PROJECT_ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, PROJECT_ROOT);
  return ts.createProgram({ rootNames: [...entries], options: { ...parsed.options, noEmit: true } });
}

/** The SDK calls reachable from the module `entry` (its top-level code and everything it uses). */
export function sdkCallsOf(program: ts.Program, entry: string): SdkCall[] {
  const checker = program.getTypeChecker();
  const start = program.getSourceFile(entry);
  if (!start) throw new Error(`${entry} is not part of the program`);

  const visited = new Set<ts.Node>();
  const queue: ts.Node[] = [start];
  const calls: SdkCall[] = [];
  /** Classes the function instantiates, and the port methods it calls (`Interface.method`). */
  const instantiated = new Set<ts.ClassLikeDeclaration>();
  const portMethods = new Set<string>();

  const enqueue = (node: ts.Node | undefined) => {
    if (node && !visited.has(node)) {
      visited.add(node);
      queue.push(node);
    }
  };

  const resolve = (node: ts.Node): ts.Symbol | undefined => {
    let symbol = checker.getSymbolAtLocation(node);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    return symbol;
  };

  const follow = (declaration: ts.Declaration) => {
    const file = declaration.getSourceFile();
    if (!isProjectFile(file)) return;
    // `const { run } = await import('./x.ts')` (a handler loading its use case on the first
    // event): the binding stands for the module's export of that name.
    if (ts.isBindingElement(declaration) && ts.isObjectBindingPattern(declaration.parent)) {
      const name = (declaration.propertyName ?? declaration.name).getText();
      let exported = checker.getTypeAtLocation(declaration.parent).getProperty(name);
      if (exported && exported.flags & ts.SymbolFlags.Alias) exported = checker.getAliasedSymbol(exported);
      for (const target of exported?.declarations ?? []) if (target !== declaration) follow(target);
      return;
    }
    if (ts.isClassLike(declaration)) {
      instantiated.add(declaration);
      // Construction runs the constructor and the property initializers.
      for (const member of declaration.members) {
        if (ts.isConstructorDeclaration(member) || (ts.isPropertyDeclaration(member) && member.initializer))
          enqueue(member);
      }
      return;
    }
    if (
      (ts.isMethodSignature(declaration) || ts.isPropertySignature(declaration)) &&
      ts.isInterfaceDeclaration(declaration.parent) &&
      declaration.name
    ) {
      portMethods.add(`${declaration.parent.name.text}.${declaration.name.getText()}`);
      return;
    }
    if (
      ts.isFunctionLike(declaration) ||
      ts.isVariableDeclaration(declaration) ||
      ts.isPropertyDeclaration(declaration) ||
      ts.isPropertyAssignment(declaration) ||
      ts.isShorthandPropertyAssignment(declaration) ||
      ts.isExportAssignment(declaration)
    ) {
      enqueue(declaration);
    }
  };

  const recordSdkCall = (expression: ts.NewExpression, declaration: ts.Declaration) => {
    const file = declaration.getSourceFile().fileName;
    const match = /node_modules\/(@aws-sdk\/[^/]+)\//.exec(file);
    const className = expression.expression.getText();
    if (!match || !className.endsWith('Command')) return;
    const input = expression.arguments?.[0];
    const always = new Set<string>();
    const sometimes = new Set<string>();
    const nested = new Set<string>();
    if (input && ts.isObjectLiteralExpression(input)) {
      for (const property of input.properties) {
        if (ts.isSpreadAssignment(property)) {
          property.expression.forEachChild(function collect(n): void {
            if (ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n))
              sometimes.add(n.name.getText());
            n.forEachChild(collect);
          });
        } else if (property.name) {
          always.add(property.name.getText());
        }
      }
    }
    if (input) {
      input.forEachChild(function collect(n): void {
        if (ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) nested.add(n.name.getText());
        n.forEachChild(collect);
      });
    }
    const source = expression.getSourceFile();
    const { line } = source.getLineAndCharacterOfPosition(expression.getStart());
    calls.push({
      pkg: match[1]!,
      operation: className.replace(/Command$/, ''),
      at: `${path.relative(PROJECT_ROOT, source.fileName)}:${line + 1}`,
      always,
      sometimes,
      nested,
    });
  };

  const visit = (node: ts.Node): void => {
    // Imports, types and interfaces run nothing (an import alone calls nothing either).
    if (
      ts.isImportDeclaration(node) ||
      ts.isExportDeclaration(node) ||
      ts.isTypeNode(node) ||
      ts.isInterfaceDeclaration(node) ||
      ts.isTypeAliasDeclaration(node)
    )
      return;
    // A dynamic import runs the imported module's top-level code.
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const specifier = node.arguments[0];
      const module = specifier && checker.getSymbolAtLocation(specifier);
      const source = module?.valueDeclaration ?? module?.declarations?.[0];
      if (source && ts.isSourceFile(source) && isProjectFile(source)) enqueue(source);
    }
    if (ts.isNewExpression(node)) {
      // A class imported by name, or taken from a dynamic import (`const { XCommand } = await
      // import(…)`), whose local binding's type is the class.
      const declaration =
        resolve(node.expression)?.declarations?.find((d) => !isProjectFile(d.getSourceFile())) ??
        checker.getTypeAtLocation(node.expression).getSymbol()?.declarations?.[0];
      if (declaration) recordSdkCall(node, declaration);
    }
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) {
      const symbol = resolve(node);
      for (const declaration of symbol?.declarations ?? []) follow(declaration);
    }
    node.forEachChild((child) => {
      // Named functions, classes and class methods run only where referenced (followed above);
      // inline callbacks and object-literal methods are walked where they are written.
      if (
        ts.isFunctionDeclaration(child) ||
        ts.isClassLike(child) ||
        (ts.isMethodDeclaration(child) && ts.isClassLike(child.parent))
      )
        return;
      visit(child);
    });
  };

  const drain = () => {
    while (queue.length > 0) {
      const node = queue.shift()!;
      if (ts.isSourceFile(node)) {
        for (const statement of node.statements) {
          if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) continue;
          visit(statement);
        }
      } else {
        visit(node);
      }
    }
  };

  // Port calls reach the method of every instantiated class implementing that port; new classes
  // and port calls may appear while following those, so repeat until nothing new turns up.
  let resolved = -1;
  while (resolved !== visited.size) {
    drain();
    resolved = visited.size;
    for (const cls of instantiated) {
      const ports = (cls.heritageClauses ?? [])
        .filter((h) => h.token === ts.SyntaxKind.ImplementsKeyword)
        .flatMap((h) => h.types.map((t) => t.expression.getText()));
      for (const member of cls.members) {
        const name = member.name?.getText();
        if (name && ports.some((port) => portMethods.has(`${port}.${name}`))) enqueue(member);
      }
    }
    drain();
  }
  const unique = new Map(calls.map((call) => [`${call.at} ${call.operation}`, call]));
  return [...unique.values()];
}

/** IAM service prefix of each SDK package the functions use. */
const SERVICE_OF: Record<string, string> = {
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-sesv2': 'ses',
  '@aws-sdk/client-kms': 'kms',
};

/** DocumentClient commands are named after the item operation they wrap. */
const DOCUMENT_CLIENT_OPERATION: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
};

/** Transaction items are authorized one by one, as the item operation each one is. */
const TRANSACTION_ITEM_ACTION: Record<string, string> = {
  Get: 'dynamodb:GetItem',
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/**
 * The IAM actions one call needs (AWS Service Authorization Reference), with the S3 rules that
 * are not one-to-one: a version-specific read/tag/delete needs the `…Version…` action; a
 * HeadObject needs s3:GetObject, and s3:ListBucket for a missing key to answer 404 rather than
 * 403; a copy reads the source and writes the target; SESv2 SendEmail (raw or not) is
 * ses:SendEmail; SendMessageBatch is sqs:SendMessage.
 */
export function actionsFor(call: SdkCall): string[] {
  const service = SERVICE_OF[call.pkg];
  if (!service) throw new Error(`${call.at}: ${call.pkg} has no IAM service prefix in SERVICE_OF`);
  const has = (name: string) => call.always.has(name) || call.sometimes.has(name);
  const versioned = (plain: string, version: string) =>
    call.always.has('VersionId') ? [version] : has('VersionId') ? [plain, version] : [plain];
  let operation = call.operation;
  if (call.pkg === '@aws-sdk/lib-dynamodb') operation = DOCUMENT_CLIENT_OPERATION[operation] ?? operation;
  switch (`${service}:${operation}`) {
    case 's3:GetObject':
      return versioned('s3:GetObject', 's3:GetObjectVersion');
    case 's3:HeadObject':
      return [...versioned('s3:GetObject', 's3:GetObjectVersion'), 's3:ListBucket'];
    case 's3:PutObject':
      return ['s3:PutObject', ...(has('Tagging') ? ['s3:PutObjectTagging'] : [])];
    case 's3:PutObjectTagging':
      return versioned('s3:PutObjectTagging', 's3:PutObjectVersionTagging');
    case 's3:GetObjectTagging':
      return versioned('s3:GetObjectTagging', 's3:GetObjectVersionTagging');
    case 's3:DeleteObject':
      return versioned('s3:DeleteObject', 's3:DeleteObjectVersion');
    case 's3:CopyObject': {
      // A source with `?versionId=` reads that version; tags travel with a copy unless replaced.
      const source = call.nested.has('VersionId') || call.always.has('CopySourceVersionId');
      return [
        source ? 's3:GetObjectVersion' : 's3:GetObject',
        's3:PutObject',
        ...(has('Tagging') || has('TaggingDirective') ? ['s3:PutObjectTagging'] : []),
      ];
    }
    case 's3:ListObjectsV2':
      return ['s3:ListBucket'];
    case 'ses:SendEmail':
      return ['ses:SendEmail'];
    case 'sqs:SendMessageBatch':
      return ['sqs:SendMessage'];
    case 'dynamodb:TransactWriteItems':
    case 'dynamodb:TransactGetItems': {
      const items = Object.entries(TRANSACTION_ITEM_ACTION)
        .filter(([key]) => call.nested.has(key))
        .map(([, action]) => action);
      if (items.length === 0) throw new Error(`${call.at}: a transaction whose item kinds cannot be read`);
      return items;
    }
    default:
      return [`${service}:${operation}`];
  }
}

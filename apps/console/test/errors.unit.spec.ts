/**
 * The console never shows a raw error code: each code the API answers gets a French sentence.
 */
import { CombinedGraphQLErrors } from '@apollo/client';
import { FORBIDDEN_ADMIN, FORBIDDEN_FUNDING, FORBIDDEN_NETWORK_DIRECTORY, errorInfo, fieldLabelFr, frenchMessage, messageFor, retryAfterSeconds } from '../src/errors';

const graphqlError = (code: string, message = '', extensions: Record<string, unknown> = {}) =>
  new CombinedGraphQLErrors({ errors: [{ message, extensions: { code, ...extensions } }] });

describe('console error messages', () => {
  it.each([
    ['FORBIDDEN', 'Access denied', /^Votre rôle ne permet pas cette action/],
    ['NOT_FOUND', 'Cooperation not found', /^Introuvable, ou vous n’y avez pas accès\.$/],
    ['UNAUTHENTICATED', 'jwt expired', /^Votre session a expiré/],
    ['SERVICE_UNAVAILABLE', 'db down', /^Le service est momentanément indisponible/],
    ['IDEMPOTENCY_KEY_REUSED', 'reused', /^Cette demande a déjà été envoyée/],
    ['GRAPHQL_VALIDATION_FAILED', 'Cannot query field "x"', /^La console et le serveur ne sont pas à la même version/],
    ['BAD_USER_INPUT', 'Variable "$input" got invalid value', /^Saisie refusée : vérifiez les champs\.$/],
    ['INTERNAL_SERVER_ERROR', 'Unexpected error.', /^Une erreur inattendue est survenue/],
    ['SOME_NEW_CODE', '', /^Une erreur inattendue est survenue/],
  ])('%s is said in French, without the code or the English message', (code, message, expected) => {
    const text = frenchMessage(graphqlError(code, message));
    expect(text).toMatch(expected);
    expect(text).not.toContain(code);
    expect(text).not.toContain(message || '\u0000');
  });

  it('FORBIDDEN is worded for what the user was doing (a cooperation command by default)', () => {
    expect(frenchMessage(graphqlError('FORBIDDEN', 'Access denied'))).toMatch(/sur cette coopération/);
    expect(frenchMessage(graphqlError('FORBIDDEN', 'Access denied'), { forbidden: FORBIDDEN_FUNDING })).toBe(FORBIDDEN_FUNDING);
    expect(frenchMessage(graphqlError('FORBIDDEN', 'Access denied'), { forbidden: FORBIDDEN_ADMIN })).toBe(FORBIDDEN_ADMIN);
    // A network in the directory: its régions, neither funders nor networks nor its own organisation.
    expect(frenchMessage(graphqlError('FORBIDDEN', 'Access denied'), { forbidden: FORBIDDEN_NETWORK_DIRECTORY })).toBe(FORBIDDEN_NETWORK_DIRECTORY);
    expect(FORBIDDEN_NETWORK_DIRECTORY).toMatch(/organisations de ses régions, sauf les financeurs, les réseaux et sa propre organisation/);
    for (const text of [FORBIDDEN_FUNDING, FORBIDDEN_ADMIN, FORBIDDEN_NETWORK_DIRECTORY]) expect(text).toMatch(/^Votre rôle ne permet pas cette action/);
    // The context changes FORBIDDEN only.
    expect(frenchMessage(graphqlError('NOT_FOUND', 'x'), { forbidden: FORBIDDEN_ADMIN })).toBe('Introuvable, ou vous n’y avez pas accès.');
  });

  it('keeps the domain’s own French messages', () => {
    expect(frenchMessage(graphqlError('INVALID_SIREN', 'Numéro SIREN invalide (9 chiffres, clé de Luhn).'))).toBe('Numéro SIREN invalide (9 chiffres, clé de Luhn).');
    expect(frenchMessage(graphqlError('BAD_USER_INPUT', 'Région inconnue : « 99 ».'))).toBe('Saisie refusée : Région inconnue : « 99 ».');
  });

  it('a conflict asks to check the reloaded version, keeping what was typed', () => {
    expect(frenchMessage(graphqlError('CONCURRENCY_CONFLICT', 'x', { currentVersion: 7 }))).toContain('votre saisie est conservée');
  });

  it('TOO_MANY_REQUESTS gives the wait from extensions.retryAfterSeconds', () => {
    const error = graphqlError('TOO_MANY_REQUESTS', 'Too many requests', { retryAfterSeconds: 1 });
    expect(frenchMessage(error)).toBe('Trop de demandes en peu de temps. Patientez 1 seconde, puis réessayez : votre saisie est conservée.');
    expect(retryAfterSeconds(errorInfo(error))).toBe(1);
    expect(messageFor({ code: 'TOO_MANY_REQUESTS', message: '', extensions: {} })).toBe(
      'Trop de demandes en peu de temps. Patientez un instant, puis réessayez : votre saisie est conservée.',
    );
    // Without a usable delay, commands still pause a few seconds.
    expect(retryAfterSeconds({ code: 'TOO_MANY_REQUESTS', message: '', extensions: { retryAfterSeconds: 'soon' } })).toBe(5);
    expect(retryAfterSeconds(errorInfo(graphqlError('FORBIDDEN')))).toBe(0);
  });

  it('a network failure is not a GraphQL answer', () => {
    expect(frenchMessage(new TypeError('Failed to fetch'))).toBe('Le serveur ne répond pas. Vérifiez votre connexion puis réessayez.');
  });
});

describe('refused input names its field in French', () => {
  it('says which field the API refused and what it expected, instead of “Données invalides.”', () => {
    const refused = (extensions: Record<string, unknown>) => frenchMessage(graphqlError('BAD_USER_INPUT', 'Données invalides.', { domainCode: 'VALIDATION_FAILED', ...extensions }));
    expect(refused({ field: 'indicators[0].target', expected: 'number between -1 000 000 000 000 and 1 000 000 000 000', value: '12,5' })).toBe(
      'Saisie refusée : le champ « objectif » n’est pas valide : attendu un nombre, par exemple 12,5.',
    );
    expect(refused({ field: 'value', expected: 'number between -1 000 000 000 000 and 1 000 000 000 000' })).toBe(
      'Saisie refusée : le champ « valeur » n’est pas valide : attendu un nombre, par exemple 12,5.',
    );
    expect(refused({ field: 'period.end', expected: 'end on or after start' })).toBe(
      'Saisie refusée : le champ « fin de période » n’est pas valide : attendu une date de fin égale ou postérieure à la date de début.',
    );
    expect(refused({ field: 'cpvCode', value: '1234' })).toBe('Saisie refusée : le champ « code CPV » n’est pas valide.');
    expect(refused({ field: 'durationMonths', expected: 'positive integer' })).toBe(
      'Saisie refusée : le champ « durée (mois) » n’est pas valide : attendu un nombre entier supérieur à zéro.',
    );
    expect(refused({ field: 'justification', expected: 'a written justification (10 characters or more)' })).toBe(
      'Saisie refusée : le champ « justification » n’est pas valide : attendu une justification écrite de 10 caractères au moins.',
    );
    // A field the console does not know: the API's own sentence, never the field's code.
    const unknown = refused({ field: 'lots[0].number' });
    expect(unknown).toBe('Saisie refusée : Données invalides.');
  });

  it('shows the API’s own French message when it is a specific one, and the console’s sentence only for the generic one', () => {
    const refused = (message: string, extensions: Record<string, unknown>) =>
      frenchMessage(graphqlError('BAD_USER_INPUT', message, { domainCode: 'VALIDATION_FAILED', ...extensions }));
    const unit = "L'unité de l'indicateur n° 2 du critère n° 1 est à renseigner : un indicateur quantitatif a besoin d'une unité (par exemple « personnes », « heures » ou « € »).";
    expect(refused(unit, { field: 'indicators[1].unit', reason: 'quantitative indicators need a unit' })).toBe(`Saisie refusée : ${unit}`);
    // Even for a field the console knows, the API's sentence says more (what is expected, which element).
    const justification = "La justification de la dérogation n'est pas valide : il faut une justification écrite d'au moins 10 caractères.";
    expect(refused(justification, { field: 'justification', expected: 'a written justification (10 characters or more)' })).toBe(`Saisie refusée : ${justification}`);
    expect(refused('Une organisation appartient à 20 réseaux au plus : 21 réseaux différents sont indiqués.', { field: 'networkIds', expected: 'at most 20 networks' })).toBe(
      'Saisie refusée : Une organisation appartient à 20 réseaux au plus : 21 réseaux différents sont indiqués.',
    );
    // The generic sentences still give way to the console's own, and English to « vérifiez les champs ».
    expect(refused('Données invalides.', { field: 'amount', expected: 'positive amount' })).toBe('Saisie refusée : le champ « montant » n’est pas valide : attendu un montant supérieur à zéro.');
    expect(refused('Requête invalide.', {})).toBe('Saisie refusée : Requête invalide.');
    expect(refused('Variable "$input" got invalid value', { field: 'amount' })).toBe('Saisie refusée : le champ « montant » n’est pas valide.');
  });

  it('names fields by their last known part', () => {
    expect(fieldLabelFr('indicators[2].target')).toBe('objectif');
    expect(fieldLabelFr('period.start')).toBe('début de période');
    expect(fieldLabelFr('data.amountExclVat')).toBe('montant hors taxes');
    expect(fieldLabelFr('nothingKnown')).toBeNull();
    expect(fieldLabelFr(undefined)).toBeNull();
  });
});

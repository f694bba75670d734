/**
 * Compact lists of names common in the UK, for the identity guard, beside the English first and
 * last names `compromise` already knows. They are written from the names most given to children
 * in England, Wales and Scotland over the last twenty years and to their parents before that,
 * with the short forms people use, and the surnames most common across the UK's communities.
 * No npm package ships a UK list; a compact one keeps the guard's behaviour reviewable.
 */

const words = (s: string) => new Set(s.trim().split(/\s+/));

export const GIVEN_NAMES = words(`
  aaliyah aaron abdullah abigail ada adam adrian ahmed aidan aiden aisha alana albie alex alexander alexandra alexis alfie
  ali alice alicia alisha alison amanda amara amber amelia amelie amina amir amira amy ana andre andrea andrew aneesa angel
  angela anna annabelle anthony antonio archie aria arlo arthur asha ashley aston aurora ava ayaan ayesha bailey beatrice
  bella ben benjamin bethany billie billy blake bobby bonnie brandon brooke bethan caitlin caleb callum cameron carl carly
  caroline casey cerys chantelle charlie charlotte chelsea chloe christian christopher ciara cody connor courtney craig
  daisy daniel danielle darcey darcie darcy darren david dean declan demi dexter dominic dylan eden edward eleanor elijah
  eliza ella ellie elliot elliott ellis eloise elsie emilia emily emma erin esme ethan eva evan evelyn evie ewan faith
  faye felix finlay finley florence frankie freddie freddy frederick freya gabriel gemma george georgia gracie grayson
  hannah harley harper harriet harrison harry harvey hayden hayley heidi henry hollie holly hugo hunter ibrahim imogen isaac
  isabel isabella isabelle isla isobel ivy jack jacob jade jake james jamie jasmine jason jaxon jayden jaylen jenna jennifer
  jessica joanne joel john jordan joseph joshua jude julia kacper kai kaiden kasey katie kayden kayla kayleigh keira kelly
  kenzie kerry kian kieran kyle lacey laila lauren layla leah leo leon leonardo lewis lexi lexie liam lily lisa logan lola
  louie louis lucas lucy luke luna lydia maddison madison maisie maisy malik maria mariam marie mason matilda matthew max
  maya megan melissa mia michael millie mohammad mohammed muhammad molly morgan myla nancy naomi nathan niamh nicole noah
  nova oakley olivia ollie oliver olly oscar oskar paige patrick phoebe piper pippa poppy priya rachel rebecca reggie
  rhys riley robyn rory rosie ruby rueben ryan sadie samantha samuel sara sarah scarlett sebastian shannon sienna sofia
  sophia sophie stacey stanley stephanie summer tayla taylor teddy theo theodore thomas tia tilly toby tommy tyler
  vanessa victoria violet wayne william willow yusuf zac zach zachary zainab zara zayn zoe zuzanna
  abdul adeola aleksander anya chidi chinedu danielle emeka fatima hassan hussain igor jakub
  jamal kwame lena maja marcel mateusz mikolaj natalia ngozi nikola oluwaseun precious shakira tariq tomasz
  usman wiktoria yasmin zofia
`);

/** Short forms and pet names that stand for a child as surely as the full name. */
export const NICKNAMES = words(`
  alf bex becca bertie billie charlie danny dani ellie evie freddie georgie harri izzy jay jen jess jonny kate katy
  kaz lexi lizzie lou lulu maddie mo nat ollie rosie saff sam sammy stevie tash tom tommy tori zac
`);

export const SURNAMES = words(`
  adams ahmed ali allen anderson armstrong atkinson bailey baker barker barnes begum bell bennett brown burton butler
  campbell carter chapman clark clarke cole collins cook cooper cox davies davis dixon edwards ellis evans fisher fletcher
  foster fox gibson graham grant gray green griffiths hall harris harrison hart hill holmes hughes hunt hussain jackson
  james jenkins johnson jones kaur kelly kennedy khan king knight lee lewis lloyd marshall martin mason matthews mcdonald
  miller mills mitchell moore morgan morris murphy murray nowak owen palmer parker patel pearson phillips powell price
  reid reynolds richards richardson roberts robinson rogers rose ross russell saunders scott shah shaw simpson singh smith
  stevens stewart taylor thomas thompson turner walker walsh ward watson webb white williams wilson wood wright young
  kowalczyk kowalski wisniewski okafor adeyemi mensah osei hussein rahman chowdhury miah islam uddin
`);

/**
 * Given names that are also everyday words ("will", "grace", "hope"): only a capital letter in
 * the middle of a sentence, or a surname beside them, makes them a name.
 */
export const AMBIGUOUS_NAMES = words(`
  will may grace hope faith joy rose mark bill jack frank art summer autumn april june august ivy holly ruby amber pearl
  sky rowan hunter mason carter taylor harper brooke dawn sunny star robin jay ray rob sue pat dean major lily daisy
  poppy willow violet heather iris jade crystal destiny harmony miles chase angel precious nova luna sage reed cole wood
  hall king green white brown young price rice bell hill lee ward long short black page chance gay
`);
